/**
 * Log-scale duration histograms: bin = floor(16 · log2(durationMs / 0.01)), clamped to
 * 0..511 — 16 bins per doubling (≈ 4.4 % wide), from 0.01 ms to ≈ 12 hours. Robust statistics
 * (median, MAD, quantiles) of ln(durationMs) are read off the counts in O(bins).
 */
export const BINS = 512;
const BINS_PER_OCTAVE = 16;
const MIN_MS = 0.01;
const LN_MIN = Math.log(MIN_MS);
/** Width of one bin in ln units. */
export const BIN_WIDTH_LN = Math.LN2 / BINS_PER_OCTAVE;

export function binOf(durationMs: number): number {
  if (!(durationMs > MIN_MS)) return 0;
  const bin = Math.floor(BINS_PER_OCTAVE * Math.log2(durationMs / MIN_MS));
  return bin >= BINS ? BINS - 1 : bin;
}

/** The ln(durationMs) at a fractional bin position (bin + 0.5 is the bin's centre). */
export function lnAt(position: number): number {
  return LN_MIN + position * BIN_WIDTH_LN;
}

export interface HistogramStats {
  n: number;
  medianLn: number;
  medianMs: number;
  madLn: number;
  p95Ms: number;
}

/** Interpolated ln value below which `target` of the `n` samples lie. */
function quantileLn(counts: ArrayLike<number>, target: number): number {
  let cumulative = 0;
  for (let bin = 0; bin < BINS; bin++) {
    const count = counts[bin]!;
    if (count <= 0) continue;
    if (cumulative + count >= target) return lnAt(bin + Math.min(1, Math.max(0, (target - cumulative) / count)));
    cumulative += count;
  }
  return lnAt(BINS);
}

/** Median, MAD (of ln durations) and p95 of a histogram; null when empty. */
export function histogramStats(counts: ArrayLike<number>, n: number): HistogramStats | null {
  if (n <= 0) return null;
  const medianLn = quantileLn(counts, n / 2);
  // MAD: walk outward from the median, nearest bins first, until half the samples are covered.
  const centre = (medianLn - LN_MIN) / BIN_WIDTH_LN;
  let left = Math.min(BINS - 1, Math.floor(centre));
  let right = left + 1;
  let covered = 0;
  let madLn = 0;
  while (covered < n / 2 && (left >= 0 || right < BINS)) {
    const leftDistance = left >= 0 ? Math.abs(lnAt(left + 0.5) - medianLn) : Infinity;
    const rightDistance = right < BINS ? Math.abs(lnAt(right + 0.5) - medianLn) : Infinity;
    if (leftDistance <= rightDistance) {
      covered += counts[left]!;
      madLn = leftDistance;
      left--;
    } else {
      covered += counts[right]!;
      madLn = rightDistance;
      right++;
    }
  }
  return { n, medianLn, medianMs: Math.exp(medianLn), madLn, p95Ms: Math.exp(quantileLn(counts, 0.95 * n)) };
}

/** Fraction (0..1) of the samples shorter than `durationMs` (half of its own bin counted). */
export function rankIn(counts: ArrayLike<number>, n: number, durationMs: number): number {
  if (n <= 0) return 0;
  const target = binOf(durationMs);
  let below = 0;
  for (let bin = 0; bin < target; bin++) below += counts[bin]!;
  return Math.min(1, (below + counts[target]! / 2) / n);
}
