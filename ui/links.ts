/** URLs of the web view's pages, built in one place so filters round-trip through links. */

export function runHref(traceId: string, spanId?: string): string {
  return `/runs/${encodeURIComponent(traceId)}${spanId ? `?span=${encodeURIComponent(spanId)}#span-${encodeURIComponent(spanId)}` : ''}`;
}

/** `/runs?…` with the given filters; empty values are left out. */
export function runsHref(filters: Record<string, string | undefined>): string {
  return withQuery('/runs', filters);
}

export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

export function latencyHref(operation: string): string {
  return `/latency?op=${encodeURIComponent(operation)}`;
}

export function sessionHref(sessionId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

/** Two runs side by side: `a` on the left, `b` on the right. */
export function compareHref(a: string, b: string): string {
  return withQuery('/compare', { a, b });
}
