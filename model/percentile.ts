/**
 * The one percentile definition every figure uses (the report, the latency page, the baseline
 * bands), so the same spans always show the same p50/p95: nearest rank, the value at rank
 * ceil(q·n) of the ascending values (the smallest value for q = 0). NaN when there are none.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
