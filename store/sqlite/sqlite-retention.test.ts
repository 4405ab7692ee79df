import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.js';
import { createSpanWriter } from '../span-writer.js';
import { createSqliteRetention } from './sqlite-retention.js';
import { createSqliteMaintenance } from './sqlite-maintenance.js';
import { startRetention } from '../retention-task.js';
import { createMetrics } from '../../ops/metrics.js';
import { createSqliteLeaseStore } from './sqlite-lease-store.js';
import { hexId, makeSpan } from '../../test/support/normalized-spans.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.UTC(2026, 10, 23);

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-retention-'));
  db = openDatabase(join(dir, 'test.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Stores `runs` runs of `spansPerRun` spans each, starting `ageDays` before NOW; returns trace ids. */
function storeRuns(runs: number, spansPerRun: number, ageDays: number, padding = ''): string[] {
  const write = createSpanWriter(db);
  const traceIds: string[] = [];
  for (let r = 0; r < runs; r++) {
    const traceId = hexId(16);
    traceIds.push(traceId);
    const rootId = hexId(8);
    const startMs = NOW_MS - ageDays * DAY_MS + r;
    write(
      Array.from({ length: spansPerRun }, (_, i) =>
        makeSpan({ traceId, spanId: i === 0 ? rootId : hexId(8), parentSpanId: i === 0 ? null : rootId, startMs: startMs + i, attributes: { padding } }),
      ),
      NOW_MS,
    );
    db.prepare(
      `INSERT INTO flags (id, trace_id, detector, severity, summary, span_ids, evidence, signature, service, agent, run_start_ns, created_at_ms)
       VALUES (?, ?, 'tool_loop', 'warning', 's', '[]', '{}', 'sig', 'svc', NULL, ?, ?)`,
    ).run(`flag-${traceId}`, traceId, BigInt(startMs) * 1_000_000n, NOW_MS);
    db.prepare('INSERT INTO analysis_state (trace_id, baseline_spans) VALUES (?, ?)').run(traceId, '[]');
  }
  return traceIds;
}

const count = (table: string, traceIds: string[]) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE trace_id IN (SELECT value FROM json_each(?))`).get(JSON.stringify(traceIds)) as { n: number }).n;

describe('retention', () => {
  it('deletes runs older than maxAgeDays with their spans, flags and analysis state, in small batches', async () => {
    const old = storeRuns(25, 4, 40);
    const recent = storeRuns(5, 4, 2);
    const units: number[] = [];
    const result = await createSqliteRetention(db, { maxAgeDays: 30, maxDatabaseMb: 0, batchMaxRuns: 10 }, { onDeleted: (_reason, runs) => units.push(runs) }).runPass(NOW_MS);

    expect(result).toMatchObject({ deletedRuns: 25, deletedSpans: 100, deletedByAge: 25, deletedBySize: 0 });
    for (const table of ['runs', 'spans', 'flags', 'analysis_state']) expect(count(table, old)).toBe(0);
    expect(count('runs', recent)).toBe(5);
    expect(count('spans', recent)).toBe(20);
    expect(count('flags', recent)).toBe(5);
    expect(units).toEqual([10, 10, 5]);
  });

  it('keeps everything when no limit is set', async () => {
    const ids = storeRuns(3, 2, 400);
    const result = await createSqliteRetention(db, { maxAgeDays: 0, maxDatabaseMb: 0, batchMaxRuns: 200 }).runPass(NOW_MS);
    expect(result.deletedRuns).toBe(0);
    expect(count('spans', ids)).toBe(6);
  });

  it('deletes the oldest runs until the data fits maxDatabaseMb, and returns the pages to the file system', async () => {
    const oldest = storeRuns(40, 5, 10, 'x'.repeat(4000));
    const newest = storeRuns(40, 5, 1, 'y'.repeat(4000));
    const before = await createSqliteRetention(db, { maxAgeDays: 0, maxDatabaseMb: 0, batchMaxRuns: 200 }).runPass(NOW_MS);
    expect(before.dataBytes).toBeGreaterThan(1.5 * 1024 * 1024);

    const result = await createSqliteRetention(db, { maxAgeDays: 0, maxDatabaseMb: 1, batchMaxRuns: 7 }).runPass(NOW_MS);
    expect(result.dataBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(result.deletedBySize).toBeGreaterThan(0);
    // Oldest first: the newer runs lose only what the older ones could not cover.
    const deletedOld = 40 - count('runs', oldest);
    expect(deletedOld).toBe(Math.min(40, result.deletedBySize));
    expect(count('runs', newest)).toBe(40 - (result.deletedBySize - deletedOld));
    expect(count('runs', newest)).toBeGreaterThan(0);
    expect(result.reclaimedPages).toBeGreaterThan(0);
    expect(result.fileBytes).toBeLessThan(before.fileBytes);
    expect((db.pragma('integrity_check', { simple: true }) as string)).toBe('ok');
    console.log(`retention: deleted ${result.deletedBySize} runs (${result.deletedSpans} spans), reclaimed ${result.reclaimedPages} pages, file ${before.fileBytes} → ${result.fileBytes} bytes, longest step ${result.longestStepMs.toFixed(1)} ms`);
  });

  it('runs as a background task over Maintenance that counts what it deleted and stops promptly', async () => {
    const old = storeRuns(3, 2, 3650);
    const metrics = createMetrics();
    const task = startRetention(createSqliteMaintenance(db), { maxAgeDays: 1, maxDatabaseMb: 0, batchMaxRuns: 200, interval: 60_000, firstDelayMs: 1, metrics });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await task.stop();
    expect(count('runs', old)).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString('tracehound_retention_deleted_runs_total')).toContain('reason="age"} 3');
    expect(await metrics.registry.getSingleMetricAsString('tracehound_database_bytes')).toMatch(/kind="data"} [1-9]/);
  });

  it('makes one pass per interval among tasks sharing a lease store (several processes on one backend)', async () => {
    storeRuns(3, 2, 3650);
    const metrics = createMetrics();
    const leases = createSqliteLeaseStore();
    const options = { maxAgeDays: 1, maxDatabaseMb: 0, batchMaxRuns: 200, interval: 600_000, firstDelayMs: 1, metrics };
    const tasks = ['a', 'b', 'c'].map((holder) => startRetention(createSqliteMaintenance(db), { ...options, lease: { leases, holder } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all(tasks.map((task) => task.stop()));
    expect(await metrics.registry.getSingleMetricAsString('tracehound_retention_pass_seconds')).toContain('tracehound_retention_pass_seconds_count 1');
  });
});
