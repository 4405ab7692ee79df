import type { BaselineBucketDelta, BaselineSample, BaselineStore } from '../store/api.js';
import { BINS, binOf, histogramStats, rankIn, type HistogramStats } from './log-histogram.js';

/**
 * Latency baselines in memory, over a BaselineStore: per key (e.g. `step|svc|tool:search`) and
 * per time bucket (span START time floored to `bucketMs`), a log-histogram of durations. A key's
 * buckets are read once (`load`, many keys per read) and kept.
 *
 * The baseline at time t sums the buckets from t − window up to and including t's own bucket,
 * minus the caller's own samples (a trace is never its own baseline). A sliding aggregate per
 * key moves forward as analysis proceeds in time order, so a query costs O(bins), not a scan
 * of history. Samples in t's own bucket that are later than t are counted (the resolution of
 * "before t" is one bucket, default 1 minute). Buckets two windows older than the newest
 * baseline read are forgotten (here, and in the store at the next commit).
 *
 * Added samples are kept as deltas until `takeChanges()`, which the caller commits with the
 * analyses that produced them (AnalysisStore.commitAnalyses); if that commit fails, `reset()`
 * drops the cache so the next load reads what the store really has.
 */

export interface Baseline extends HistogramStats {
  rankOf(durationMs: number): number;
}

interface KeyState {
  key: string;
  /** bucket start (ms) → sparse histogram (bin → count) and its total. */
  buckets: Map<number, { counts: Map<number, number>; n: number }>;
  /** Bucket starts in ascending order. */
  starts: number[];
  aggregate: { lo: number; hi: number; counts: Float64Array; n: number; stats: HistogramStats | null } | null;
}

export interface BaselineCacheOptions {
  bucketMs: number;
  windowMs: number;
}

export interface BaselineCache {
  /** Reads the keys not cached yet from the store (one call). */
  load(keys: Iterable<string>): Promise<void>;
  /** Whether `key` is loaded (or was created here). */
  has(key: string): boolean;
  /** Where a sample of `durationMs` at `startMs` goes. */
  sampleOf(key: string, startMs: number, durationMs: number): BaselineSample;
  /** The baseline for a sample at `atMs`, minus `exclude`d samples; null with no samples or a key not loaded. */
  baseline(key: string, atMs: number, exclude?: readonly BaselineSample[]): Baseline | null;
  /** Adds a sample (in memory, and to the pending deltas). The key must be loaded. */
  add(sample: BaselineSample): void;
  /** The deltas and expiries since the last call, for the store; clears them. */
  takeChanges(): { deltas: BaselineBucketDelta[]; expired: { key: string; beforeMs: number }[] };
  /** Forgets everything cached (after a failed commit). */
  reset(): void;
  /** Number of keys cached in memory. */
  cachedKeys(): number;
}

const EARLIEST_MS = -8.64e15;

function lowerBound(values: number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createBaselineCache(store: BaselineStore, options: BaselineCacheOptions): BaselineCache {
  const keys = new Map<string, KeyState>();
  /** key → delete its buckets older than this at the next commit. */
  let expired = new Map<string, number>();
  /** key → bucket start → bin → count added since the last takeChanges. */
  let deltas = new Map<string, Map<number, Map<number, number>>>();
  const bucketMs = Math.max(1, options.bucketMs);

  function addBucket(aggregate: NonNullable<KeyState['aggregate']>, bucket: { counts: Map<number, number>; n: number }, sign: 1 | -1): void {
    for (const [bin, count] of bucket.counts) aggregate.counts[bin]! += sign * count;
    aggregate.n += sign * bucket.n;
    aggregate.stats = null;
  }

  function forgetOlderThan(state: KeyState, beforeMs: number): void {
    let count = 0;
    while (count < state.starts.length && state.starts[count]! < beforeMs) count++;
    if (count === 0) return;
    for (const start of state.starts.slice(0, count)) state.buckets.delete(start);
    state.starts.splice(0, count);
    expired.set(state.key, Math.max(expired.get(state.key) ?? EARLIEST_MS, beforeMs));
  }

  function aggregateFor(state: KeyState, lo: number, hi: number): NonNullable<KeyState['aggregate']> {
    const current = state.aggregate;
    if (current !== null && current.lo === lo && current.hi === hi) return current;
    if (current !== null && lo >= current.lo && hi >= current.hi && lo <= current.hi) {
      for (let i = lowerBound(state.starts, current.hi + 1); i < state.starts.length && state.starts[i]! <= hi; i++) {
        addBucket(current, state.buckets.get(state.starts[i]!)!, 1);
      }
      for (let i = lowerBound(state.starts, current.lo); i < state.starts.length && state.starts[i]! < lo; i++) {
        addBucket(current, state.buckets.get(state.starts[i]!)!, -1);
      }
      current.lo = lo;
      current.hi = hi;
      forgetOlderThan(state, lo - options.windowMs);
      return current;
    }
    const fresh = { lo, hi, counts: new Float64Array(BINS), n: 0, stats: null };
    for (let i = lowerBound(state.starts, lo); i < state.starts.length && state.starts[i]! <= hi; i++) {
      addBucket(fresh, state.buckets.get(state.starts[i]!)!, 1);
    }
    state.aggregate = fresh;
    forgetOlderThan(state, lo - options.windowMs);
    return fresh;
  }

  function stateOf(key: string): KeyState {
    let state = keys.get(key);
    if (state === undefined) {
      // Not loaded: an empty key (a key is always loaded before its first sample).
      state = { key, buckets: new Map(), starts: [], aggregate: null };
      keys.set(key, state);
    }
    return state;
  }

  return {
    async load(wanted) {
      const missing = [...new Set(wanted)].filter((key) => !keys.has(key));
      if (missing.length === 0) return;
      const rows = await store.readBuckets(missing, EARLIEST_MS);
      const fresh = new Map<string, KeyState>(missing.map((key) => [key, { key, buckets: new Map(), starts: [], aggregate: null }]));
      for (const row of rows) {
        const state = fresh.get(row.key);
        if (state === undefined) continue;
        state.buckets.set(row.bucketStartMs, { counts: new Map(row.counts), n: row.n });
      }
      for (const state of fresh.values()) {
        if (keys.has(state.key)) continue; // loaded meanwhile by a concurrent call
        state.starts = [...state.buckets.keys()].sort((a, b) => a - b);
        keys.set(state.key, state);
      }
    },

    has(key) {
      return keys.has(key);
    },

    sampleOf(key, startMs, durationMs) {
      return { key, bucketMs: Math.floor(startMs / bucketMs) * bucketMs, bin: binOf(durationMs) };
    },

    baseline(key, atMs, exclude = []) {
      const state = stateOf(key);
      const hi = Math.floor(atMs / bucketMs) * bucketMs;
      const lo = hi - options.windowMs;
      const aggregate = aggregateFor(state, lo, hi);
      let counts: ArrayLike<number> = aggregate.counts;
      let n = aggregate.n;
      const own = exclude.filter((sample) => sample.key === key && sample.bucketMs >= lo && sample.bucketMs <= hi);
      let stats: HistogramStats | null;
      if (own.length > 0) {
        const copy = Float64Array.from(aggregate.counts);
        for (const sample of own) {
          if (copy[sample.bin]! > 0) {
            copy[sample.bin]!--;
            n--;
          }
        }
        counts = copy;
        stats = histogramStats(copy, n);
      } else {
        aggregate.stats ??= histogramStats(aggregate.counts, aggregate.n);
        stats = aggregate.stats;
      }
      if (stats === null) return null;
      const frozen = counts;
      const total = n;
      return { ...stats, rankOf: (durationMs: number) => rankIn(frozen, total, durationMs) };
    },

    add(sample) {
      const state = stateOf(sample.key);
      let bucket = state.buckets.get(sample.bucketMs);
      if (bucket === undefined) {
        bucket = { counts: new Map(), n: 0 };
        state.buckets.set(sample.bucketMs, bucket);
        state.starts.splice(lowerBound(state.starts, sample.bucketMs), 0, sample.bucketMs);
      }
      bucket.counts.set(sample.bin, (bucket.counts.get(sample.bin) ?? 0) + 1);
      bucket.n++;
      const aggregate = state.aggregate;
      if (aggregate !== null && sample.bucketMs >= aggregate.lo && sample.bucketMs <= aggregate.hi) {
        aggregate.counts[sample.bin]!++;
        aggregate.n++;
        aggregate.stats = null;
      }
      let byBucket = deltas.get(sample.key);
      if (byBucket === undefined) deltas.set(sample.key, (byBucket = new Map()));
      let bins = byBucket.get(sample.bucketMs);
      if (bins === undefined) byBucket.set(sample.bucketMs, (bins = new Map()));
      bins.set(sample.bin, (bins.get(sample.bin) ?? 0) + 1);
    },

    takeChanges() {
      const out: BaselineBucketDelta[] = [];
      for (const [key, byBucket] of deltas) {
        const before = expired.get(key) ?? EARLIEST_MS;
        for (const [bucketStartMs, bins] of byBucket) {
          if (bucketStartMs < before) continue; // expired meanwhile
          out.push({ key, bucketStartMs, counts: [...bins].sort((a, b) => a[0] - b[0]) });
        }
      }
      const gone = [...expired].map(([key, beforeMs]) => ({ key, beforeMs }));
      deltas = new Map();
      expired = new Map();
      return { deltas: out, expired: gone };
    },

    reset() {
      keys.clear();
      deltas = new Map();
      expired = new Map();
    },

    cachedKeys() {
      return keys.size;
    },
  };
}
