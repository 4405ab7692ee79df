import type { Db } from './database.js';
import { BINS, binOf, histogramStats, rankIn, type HistogramStats } from './log-histogram.js';

/**
 * Latency baselines, maintained incrementally: per key (e.g. `step|svc|tool:search`) and per
 * time bucket (span START time floored to `bucketMs`), a log-histogram of durations, persisted
 * in `latency_baselines` and cached in memory (a key's buckets are loaded on first use).
 *
 * The baseline at time t sums the buckets from t − window up to and including t's own bucket,
 * minus the caller's own samples (a trace is never its own baseline). A sliding aggregate per
 * key moves forward as analysis proceeds in time order, so a query costs O(bins), not a scan
 * of history. Samples in t's own bucket that are later than t are counted (the resolution of
 * "before t" is one bucket, default 1 minute). Buckets two windows older than the newest
 * baseline read are forgotten (memory and table), so the store stays bounded.
 */

export interface BaselineSample {
  key: string;
  bucketMs: number;
  bin: number;
}

export interface Baseline extends HistogramStats {
  rankOf(durationMs: number): number;
}

interface KeyState {
  /** bucket start (ms) → sparse histogram (bin → count) and its total. */
  buckets: Map<number, { counts: Map<number, number>; n: number }>;
  /** Bucket starts in ascending order. */
  starts: number[];
  aggregate: { lo: number; hi: number; counts: Float64Array; n: number; stats: HistogramStats | null } | null;
}

export interface BaselineStore {
  /** Where a sample of `durationMs` at `startMs` goes. */
  sampleOf(key: string, startMs: number, durationMs: number): BaselineSample;
  /** The baseline for a sample at `atMs`, minus `exclude`d samples; null with no samples. */
  baseline(key: string, atMs: number, exclude?: readonly BaselineSample[]): Baseline | null;
  /** Adds a sample (in memory; `flush` persists). */
  add(sample: BaselineSample): void;
  /** Writes every changed bucket; call inside the caller's transaction. */
  flush(): void;
  /** Number of keys cached in memory. */
  cachedKeys(): number;
}

export interface BaselineStoreOptions {
  bucketMs: number;
  windowMs: number;
}

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

export function createBaselineStore(db: Db, options: BaselineStoreOptions): BaselineStore {
  const selectKey = db.prepare('SELECT bucket_start_ms, n, counts FROM latency_baselines WHERE key = ?');
  const upsert = db.prepare(
    `INSERT INTO latency_baselines (key, bucket_start_ms, n, counts) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, bucket_start_ms) DO UPDATE SET n = excluded.n, counts = excluded.counts`,
  );
  const deleteOlder = db.prepare('DELETE FROM latency_baselines WHERE key = ? AND bucket_start_ms < ?');
  const keys = new Map<string, KeyState & { key: string }>();
  /** key → delete its buckets older than this at the next flush. */
  const expired = new Map<string, number>();
  const dirty = new Map<string, Set<number>>();
  const bucketMs = Math.max(1, options.bucketMs);

  function load(key: string): KeyState & { key: string } {
    let state = keys.get(key);
    if (state !== undefined) return state;
    state = { key, buckets: new Map(), starts: [], aggregate: null };
    for (const row of selectKey.all(key) as { bucket_start_ms: number; n: number; counts: string }[]) {
      const counts = new Map<number, number>();
      for (const [bin, count] of JSON.parse(row.counts) as [number, number][]) counts.set(bin, count);
      state.buckets.set(row.bucket_start_ms, { counts, n: row.n });
    }
    state.starts = [...state.buckets.keys()].sort((a, b) => a - b);
    keys.set(key, state);
    return state;
  }

  function addBucket(aggregate: NonNullable<KeyState['aggregate']>, bucket: { counts: Map<number, number>; n: number }, sign: 1 | -1): void {
    for (const [bin, count] of bucket.counts) aggregate.counts[bin]! += sign * count;
    aggregate.n += sign * bucket.n;
    aggregate.stats = null;
  }

  /**
   * Drops buckets a whole window older than the aggregate's: live analysis moves forward, so
   * they will not be read again (a late upload that old is judged on what remains). Deleted
   * from the table at the next flush, by primary key.
   */
  function forgetOlderThan(state: KeyState & { key?: string }, beforeMs: number): void {
    let count = 0;
    while (count < state.starts.length && state.starts[count]! < beforeMs) count++;
    if (count === 0) return;
    for (const start of state.starts.slice(0, count)) state.buckets.delete(start);
    state.starts.splice(0, count);
    expired.set(state.key!, Math.max(expired.get(state.key!) ?? 0, beforeMs));
  }

  /** Moves (or rebuilds) the key's aggregate to cover buckets with start in [lo, hi]. */
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

  return {
    sampleOf(key, startMs, durationMs) {
      return { key, bucketMs: Math.floor(startMs / bucketMs) * bucketMs, bin: binOf(durationMs) };
    },

    baseline(key, atMs, exclude = []) {
      const state = load(key);
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
      const state = load(sample.key);
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
      let set = dirty.get(sample.key);
      if (set === undefined) dirty.set(sample.key, (set = new Set()));
      set.add(sample.bucketMs);
    },

    flush() {
      for (const [key, beforeMs] of expired) deleteOlder.run(key, beforeMs);
      expired.clear();
      for (const [key, buckets] of dirty) {
        const state = keys.get(key)!;
        for (const start of buckets) {
          const bucket = state.buckets.get(start);
          if (bucket === undefined) continue; // expired meanwhile
          upsert.run(key, start, bucket.n, JSON.stringify([...bucket.counts]));
        }
      }
      dirty.clear();
    },

    cachedKeys() {
      return keys.size;
    },
  };
}
