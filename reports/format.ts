/** Number and time formatting shared by the Markdown, HTML and webhook renderings. */

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`;
}

export function formatCount(value: number): string {
  if (!Number.isInteger(value)) return value.toFixed(1);
  return value.toLocaleString('en-US');
}

export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) return `${(tokens / 1_000_000).toFixed(1)}M`;
  if (tokens >= 10_000) return `${Math.round(tokens / 1000)}k`;
  if (tokens >= 1000) return `${(tokens / 1000).toFixed(1)}k`;
  return String(Math.round(tokens));
}

export function formatDurationMs(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${Math.round(ms)} ms`;
}

/** US dollars: `$12.40`, `$0.0031` under a cent, `$0` for nothing. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `2026-11-23 02:00 UTC` */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Change against a reference, e.g. `+12` or `−3`, `±0`; `new` when the reference is 0 and the value is not. */
export function formatDelta(current: number, reference: number): string {
  const delta = current - reference;
  const text = Number.isInteger(delta) ? String(Math.abs(delta)) : Math.abs(delta).toFixed(1);
  if (delta === 0) return '±0';
  return delta > 0 ? `+${text}` : `−${text}`;
}

/** Change of a rate in percentage points, e.g. `+4.2 pp`. */
export function formatRateDelta(current: number, reference: number): string {
  const points = (current - reference) * 100;
  if (Math.abs(points) < 0.05) return '±0 pp';
  return `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pp`;
}

/** Detector id → words: its descriptor's label (model/detectors/), else the id with spaces. */
export { detectorLabel } from '../model/detectors/detector-descriptors.js';
