import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../api.js';
import { openSqliteStorage } from './open-sqlite-storage.js';
import { openDatabase } from './database.js';
import { agentRun, T0_MS, traceIdOf } from '../conformance/conformance-spans.js';
import { logRecordOf } from '../conformance/log-store-conformance.js';
import { LOG_RECORDS_PER_DELETE } from './sqlite-log-retention.js';

const DAY = 86_400_000;
const NOW_MS = T0_MS + 30 * DAY;

let dir: string;
let path: string;
let storage: Storage;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-log-retention-'));
  path = join(dir, 'test.db');
  storage = await openSqliteStorage({ path, synchronous: 'normal', writerThread: false });
});
afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Stored log records by trace id ('' = tied to no trace), read from the file. */
function countByTrace(): Record<string, number> {
  const db = openDatabase(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT trace_id AS traceId, COUNT(*) AS n FROM log_records GROUP BY trace_id ORDER BY trace_id').all() as { traceId: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.traceId, row.n]));
  } finally {
    db.close();
  }
}

describe('log_records retention (SQLite)', () => {
  it("by age: a run's records go with it, records tied to no run go by their own time, in batches; recent ones stay", async () => {
    await storage.traces.writeSpans(agentRun(1, NOW_MS - 20 * DAY), NOW_MS);
    await storage.traces.writeSpans(agentRun(2, NOW_MS - DAY), NOW_MS);
    const oldLonely = Array.from({ length: LOG_RECORDS_PER_DELETE + 5 }, (_, i) => logRecordOf(0, 0, i));
    await storage.logs!.writeLogRecords(
      [...oldLonely, logRecordOf(1, 3, 30 * DAY - 20 * DAY + 1), logRecordOf(9, 1, 30 * DAY - 12 * DAY), logRecordOf(9, 1, 30 * DAY - 2 * DAY), logRecordOf(2, 3, 30 * DAY - DAY + 1), logRecordOf(0, 0, 30 * DAY - 3 * DAY)],
      NOW_MS,
    );
    expect(countByTrace()).toEqual({ '': LOG_RECORDS_PER_DELETE + 6, [traceIdOf(1)]: 1, [traceIdOf(2)]: 1, [traceIdOf(9)]: 2 });
    const result = await storage.maintenance.runRetention({ maxAgeDays: 7, maxDatabaseMb: 0, batchMaxRuns: 100 }, { nowMs: NOW_MS });
    expect(result).toMatchObject({ deletedRuns: 1, deletedLogRecords: LOG_RECORDS_PER_DELETE + 5 + 1 + 1 });
    expect(countByTrace()).toEqual({ '': 1, [traceIdOf(2)]: 1, [traceIdOf(9)]: 1 });
  });

  it('by size: the oldest data first, log records older than every run before the runs', async () => {
    const padding = 'x'.repeat(2000);
    await storage.traces.writeSpans(agentRun(1, NOW_MS - 5 * DAY), NOW_MS);
    await storage.traces.writeSpans(agentRun(2, NOW_MS - DAY), NOW_MS);
    await storage.logs!.writeLogRecords(Array.from({ length: 3000 }, (_, i) => logRecordOf(0, 0, i, { body: `${i} ${padding}` })), NOW_MS);
    await storage.logs!.writeLogRecords([logRecordOf(0, 0, 30 * DAY - 2 * DAY)], NOW_MS);
    const before = await storage.maintenance.size();
    expect(before.dataBytes).toBeGreaterThan(6 * 1024 * 1024);
    const result = await storage.maintenance.runRetention({ maxAgeDays: 0, maxDatabaseMb: 1, batchMaxRuns: 1 }, { nowMs: NOW_MS });
    // The old lonely records went first (older than every run); then the oldest run; then the rest.
    expect(result.deletedLogRecords).toBeGreaterThanOrEqual(3000);
    expect(countByTrace()['']).toBeLessThanOrEqual(1);
    expect((await storage.maintenance.size()).dataBytes).toBeLessThanOrEqual(1024 * 1024);
  });
});
