/**
 * Time conversions shared by every layer. OTLP times are exact bigint nanoseconds; the API
 * speaks ISO 8601 UTC strings and milliseconds.
 */

const NS_PER_MS = 1_000_000n;

/** Nanoseconds since the epoch → ISO 8601 UTC with millisecond precision. */
export function nanosToIso(nanos: bigint): string {
  return new Date(Number(nanos / NS_PER_MS)).toISOString();
}

/** Milliseconds since the epoch → ISO 8601 UTC. */
export function millisToIso(millis: number): string {
  return new Date(millis).toISOString();
}

/** Duration between two nanosecond instants in milliseconds (fractional); never negative. */
export function durationMsBetween(startNanos: bigint, endNanos: bigint): number {
  if (endNanos <= startNanos) return 0;
  return Number(endNanos - startNanos) / 1e6;
}

/** Milliseconds since the epoch → nanoseconds. */
export function millisToNanos(millis: number): bigint {
  return BigInt(Math.round(millis)) * NS_PER_MS;
}

/**
 * Parses a user-supplied time: ISO 8601, epoch milliseconds, or a relative duration back from
 * `now` such as `24h`, `7d`, `30m`, `90s`. Returns epoch milliseconds, or null when unreadable.
 */
export function parseTimeInput(input: string, nowMs: number = Date.now()): number | null {
  const trimmed = input.trim();
  const relative = parseDurationMs(trimmed);
  if (relative !== null) return nowMs - relative;
  if (/^\d{10,16}$/.test(trimmed)) return Number(trimmed);
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? null : parsed;
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses `500ms`, `5s`, `30m`, `24h`, `7d`, `2w` into milliseconds; null when unreadable. */
export function parseDurationMs(input: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(input.trim());
  if (!match) return null;
  return Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
}
