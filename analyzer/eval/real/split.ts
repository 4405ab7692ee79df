import { fnv1a64 } from '../../../model/hash.js';

export type Split = 'dev' | 'holdout';

/**
 * The fixed split: a run is in the holdout when the hash of its id is odd. Decided by the id
 * alone, so it never moves when runs, labels or detectors change. Detectors are tuned on dev
 * misses only; holdout figures are reported, never looked into.
 */
export function splitOf(runId: string): Split {
  return Number.parseInt(fnv1a64(`split\u0000${runId}`).slice(0, 8), 16) % 2 === 1 ? 'holdout' : 'dev';
}
