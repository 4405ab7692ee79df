import { percentileSorted } from '../model/percentile.js';
/**
 * Formatting for the web view: durations, times, counts. Pure; times are shown in UTC so a
 * shared link reads the same for everyone.
 */

/** Milliseconds → "0.42 ms", "120 ms", "1.35 s", "2m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  return `${Math.floor(ms / 3_600_000)}h ${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

/** ISO time or epoch ms → "2026-11-23 03:44:12" (UTC). */
export function formatTime(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '–';
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Epoch ms → "03:44" (UTC), or "11-23 03:44" when `withDate`. */
export function formatClock(ms: number, withDate = false): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/** How long ago, coarse: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(ms: number, nowMs: number = Date.now()): string {
  const seconds = Math.round((nowMs - ms) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** 1234567 → "1.2M", 12345 → "12.3k", 999 → "999". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/**
 * US dollars: "$0", "$0.0042", "$0.013", "$1.27", "$1,234"; "–" when unknown (null: a model
 * without a price). Small amounts keep two significant digits, so a cheap run never reads $0.00.
 */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  if (Math.abs(usd) < 1000) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en')}`;
}

/** Detector id → words: its descriptor's label (model/detectors/), else the id with spaces. */
export { detectorLabel } from '../model/detectors/detector-descriptors.js';

/** A value for display: strings as they are, everything else as pretty JSON. */
export function toDisplayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Pretty-prints text that is JSON; returns other text unchanged. */
export function prettyJsonText(text: string): string {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

/** Shortens text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Axis ticks from 0 to at least `max`, about `count` steps of 1, 2, 2.5 or 5 × 10^n. With
 * `integer`, steps are whole numbers (counts: a label must say exactly the value of its grid line).
 */
export function niceTicks(max: number, count = 4, options: { integer?: boolean } = {}): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10]
      .map((m) => m * magnitude)
      .find((candidate) => candidate >= raw && (!options.integer || Number.isInteger(candidate))) ?? (options.integer ? Math.max(1, Math.ceil(raw)) : raw);
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** A percentile of ascending values: model/percentile.ts's nearest rank, as everywhere else. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  return percentileSorted(sorted, q);
}
