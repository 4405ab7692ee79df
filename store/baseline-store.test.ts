import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { createBaselineStore } from './baseline-store.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('baseline store', () => {
  it('gives the median and spread of earlier samples, excluding the caller\'s own', () => {
    const db = openDatabase(':memory:');
    const store = createBaselineStore(db, { bucketMs: MINUTE, windowMs: DAY });
    const t0 = Date.UTC(2025, 0, 1);
    const durations = [90, 100, 110, 95, 105, 100, 98, 102, 120, 80];
    durations.forEach((ms, i) => store.add(store.sampleOf('step|svc|tool:a', t0 + i * MINUTE, ms)));
    const own = store.sampleOf('step|svc|tool:a', t0 + 20 * MINUTE, 5000);
    store.add(own);
    const baseline = store.baseline('step|svc|tool:a', t0 + 20 * MINUTE, [own])!;
    expect(baseline.n).toBe(10);
    expect(baseline.medianMs).toBeGreaterThan(95);
    expect(baseline.medianMs).toBeLessThan(105);
    expect(baseline.madLn).toBeLessThan(0.1);
    expect(baseline.rankOf(5000)).toBe(1);
    // Samples after the bucket of t are not part of its baseline.
    expect(store.baseline('step|svc|tool:a', t0 + 3 * MINUTE)!.n).toBe(4);
    expect(store.baseline('step|svc|tool:b', t0)).toBeNull();
  });

  it('persists its buckets and reads them back in a new store', () => {
    const db = openDatabase(':memory:');
    const first = createBaselineStore(db, { bucketMs: MINUTE, windowMs: DAY });
    const t0 = Date.UTC(2025, 0, 1);
    for (let i = 0; i < 12; i++) first.add(first.sampleOf('run|svc|a|root', t0 + i * 1000, 2000 + i));
    first.flush();
    const second = createBaselineStore(db, { bucketMs: MINUTE, windowMs: DAY });
    expect(second.baseline('run|svc|a|root', t0 + 5 * MINUTE)!.n).toBe(12);
  });

  it('forgets buckets two windows older than what it is asked about', () => {
    const db = openDatabase(':memory:');
    const store = createBaselineStore(db, { bucketMs: MINUTE, windowMs: DAY });
    const t0 = Date.UTC(2025, 0, 1);
    store.add(store.sampleOf('k', t0, 100));
    store.flush();
    store.baseline('k', t0 + MINUTE);
    store.add(store.sampleOf('k', t0 + 3 * DAY, 100));
    expect(store.baseline('k', t0 + 3 * DAY + MINUTE)!.n).toBe(1);
    store.flush();
    expect(db.prepare('SELECT COUNT(*) AS n FROM latency_baselines').get()).toEqual({ n: 1 });
  });
});
