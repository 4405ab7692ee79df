import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import type { Storage } from '../store/api.js';
import { createBaselineCache, type BaselineCache } from './baseline-cache.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Commits the cache's changes as an analysis would (no traces, only baselines). */
async function commit(storage: Storage, cache: BaselineCache): Promise<void> {
  const changes = cache.takeChanges();
  await storage.analysis.commitAnalyses({ results: [], baselineDeltas: changes.deltas, expiredBaselines: changes.expired, nowMs: Date.now() });
}

describe('baseline cache', () => {
  it('gives the median and spread of earlier samples, excluding the caller\'s own', async () => {
    const storage = await openSqliteStorage({ path: ':memory:' });
    const cache = createBaselineCache(storage.baselines, { bucketMs: MINUTE, windowMs: DAY });
    await cache.load(['step|svc|tool:a', 'step|svc|tool:b']);
    const t0 = Date.UTC(2025, 0, 1);
    const durations = [90, 100, 110, 95, 105, 100, 98, 102, 120, 80];
    durations.forEach((ms, i) => cache.add(cache.sampleOf('step|svc|tool:a', t0 + i * MINUTE, ms)));
    const own = cache.sampleOf('step|svc|tool:a', t0 + 20 * MINUTE, 5000);
    cache.add(own);
    const baseline = cache.baseline('step|svc|tool:a', t0 + 20 * MINUTE, [own])!;
    expect(baseline.n).toBe(10);
    expect(baseline.medianMs).toBeGreaterThan(95);
    expect(baseline.medianMs).toBeLessThan(105);
    expect(baseline.madLn).toBeLessThan(0.1);
    expect(baseline.rankOf(5000)).toBe(1);
    // Samples after the bucket of t are not part of its baseline.
    expect(cache.baseline('step|svc|tool:a', t0 + 3 * MINUTE)!.n).toBe(4);
    expect(cache.baseline('step|svc|tool:b', t0)).toBeNull();
    await storage.close();
  });

  it('commits its buckets as deltas and reads them back in a new cache', async () => {
    const storage = await openSqliteStorage({ path: ':memory:' });
    const first = createBaselineCache(storage.baselines, { bucketMs: MINUTE, windowMs: DAY });
    await first.load(['run|svc|a|root']);
    const t0 = Date.UTC(2025, 0, 1);
    for (let i = 0; i < 12; i++) first.add(first.sampleOf('run|svc|a|root', t0 + i * 1000, 2000 + i));
    await commit(storage, first);
    // A second commit of more samples adds to the stored bucket, it does not replace it.
    first.add(first.sampleOf('run|svc|a|root', t0 + 13_000, 2100));
    await commit(storage, first);
    const second = createBaselineCache(storage.baselines, { bucketMs: MINUTE, windowMs: DAY });
    await second.load(['run|svc|a|root']);
    expect(second.baseline('run|svc|a|root', t0 + 5 * MINUTE)!.n).toBe(13);
    await storage.close();
  });

  it('forgets buckets two windows older than what it is asked about', async () => {
    const storage = await openSqliteStorage({ path: ':memory:' });
    const cache = createBaselineCache(storage.baselines, { bucketMs: MINUTE, windowMs: DAY });
    await cache.load(['k']);
    const t0 = Date.UTC(2025, 0, 1);
    cache.add(cache.sampleOf('k', t0, 100));
    await commit(storage, cache);
    cache.baseline('k', t0 + MINUTE);
    cache.add(cache.sampleOf('k', t0 + 3 * DAY, 100));
    expect(cache.baseline('k', t0 + 3 * DAY + MINUTE)!.n).toBe(1);
    await commit(storage, cache);
    expect(await storage.baselines.readBuckets(['k'], 0)).toHaveLength(1);
    await storage.close();
  });
});
