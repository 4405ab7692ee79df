/**
 * Whether an OTLP/HTTP traces endpoint takes requests: POSTs an empty
 * ExportTraceServiceRequest (`{}` as JSON), which every receiver must accept. Returns null when
 * it answered 2xx, else a sentence saying what went wrong.
 */
export async function checkEndpoint(tracesUrl: string, headers: Record<string, string> = {}, timeoutMs = 3000): Promise<string | null> {
  try {
    const response = await fetch(tracesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return null;
    return `${tracesUrl} answered ${response.status} ${response.statusText}`;
  } catch (error) {
    const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
    return `nothing answered at ${tracesUrl} (${cause?.code ?? cause?.message ?? (error as Error).message})`;
  }
}
