import type { Db } from './database.js';
import type { RetentionPassResult, RetentionPolicy } from '../api.js';
import { createLogRecordRetention } from './sqlite-log-retention.js';

/**
 * Retention over SQLite (Maintenance.runRetention): one pass is the age limit, then the size cap,
 * then space reclaim. Deletes in transactions of at most `batchMaxRuns` runs and `batchMaxSpans`
 * spans (default 2000, ≈ 40 ms on a laptop disk), yielding to the event loop between them so
 * ingest never waits for more than one batch. Per-trace rows of every table with a `trace_id`
 * column go with their run, in the same transaction. Data bytes are pages in use
 * ((page_count − freelist_count) × page_size); file bytes page_count × page_size; reclaimed pages
 * are those incremental vacuum returned (0 unless auto_vacuum is INCREMENTAL).
 */
export interface SqliteRetention {
  runPass(nowMs?: number): Promise<RetentionPassResult>;
}

const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;
const VACUUM_PAGES_PER_STEP = 1024;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface RetentionHooks {
  /** Asked between delete units: true ends the pass early (what it deleted stays deleted). */
  shouldStop?: () => boolean;
  /** Called after each delete unit. */
  onDeleted?: (reason: 'age' | 'size', runs: number, spans: number) => void;
}

export function createSqliteRetention(db: Db, options: RetentionPolicy, hooks: RetentionHooks = {}): SqliteRetention {
  const batchMaxSpans = options.batchMaxSpans ?? 2_000;
  const batchMaxRuns = Math.min(Math.max(1, options.batchMaxRuns), 500);
  const oldestBefore = db.prepare('SELECT trace_id AS traceId, span_count AS spanCount FROM runs WHERE start_ns < ? ORDER BY start_ns LIMIT ?');
  const oldest = db.prepare('SELECT trace_id AS traceId, span_count AS spanCount FROM runs ORDER BY start_ns LIMIT ?');
  const deleteRun = db.prepare('DELETE FROM runs WHERE trace_id = ?');
  const stopAsked = () => hooks.shouldStop?.() ?? false;
  const logRecords = createLogRecordRetention(db);
  /** Log records deleted with their runs in this pass (the per-trace deletes). */
  let logRecordsOfRuns = 0;

  /** Every table with per-trace rows, besides runs (read each pass: later migrations add tables). */
  const perTraceDeletes = () =>
    (
      db
        .prepare(
          `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p
           WHERE m.type = 'table' AND p.name = 'trace_id' AND m.name <> 'runs' ORDER BY m.name`,
        )
        .all() as { name: string }[]
    ).map(({ name }) => ({ name, statement: db.prepare(`DELETE FROM "${name.replace(/"/g, '""')}" WHERE trace_id = ?`) }));

  const deleteTraces = (statements: ReturnType<typeof perTraceDeletes>) =>
    db.transaction((traceIds: string[]) => {
      let spans = 0;
      for (const traceId of traceIds) {
        for (const { name, statement } of statements) {
          const { changes } = statement.run(traceId);
          if (name === 'spans') spans += changes;
          else if (name === 'log_records') logRecordsOfRuns += changes;
        }
        deleteRun.run(traceId);
      }
      return spans;
    });

  const takeBatch = (rows: { traceId: string; spanCount: number }[]) => {
    const ids: string[] = [];
    let spans = 0;
    for (const row of rows) {
      if (ids.length > 0 && spans + row.spanCount > batchMaxSpans) break;
      ids.push(row.traceId);
      spans += row.spanCount;
    }
    return ids;
  };

  const dataBytes = () => {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return { dataBytes: (pages - free) * pageSize, fileBytes: pages * pageSize };
  };

  return {
    async runPass(nowMs = Date.now()) {
      const result: RetentionPassResult = { deletedRuns: 0, deletedSpans: 0, deletedByAge: 0, deletedBySize: 0, dataBytes: 0, fileBytes: 0, reclaimedPages: 0, longestStepMs: 0 };
      logRecordsOfRuns = 0;
      let logRecordsAlone = 0;
      const timed = <T>(step: () => T): T => {
        const started = performance.now();
        try {
          return step();
        } finally {
          result.longestStepMs = Math.max(result.longestStepMs, performance.now() - started);
        }
      };
      const remove = deleteTraces(perTraceDeletes());
      const deleteBatch = (ids: string[], reason: 'age' | 'size') => {
        const spans = timed(() => remove(ids));
        result.deletedRuns += ids.length;
        result.deletedSpans += spans;
        if (reason === 'age') result.deletedByAge += ids.length;
        else result.deletedBySize += ids.length;
        hooks.onDeleted?.(reason, ids.length, spans);
      };

      if (options.maxAgeDays > 0) {
        const cutoffMs = nowMs - options.maxAgeDays * MS_PER_DAY;
        const cutoffNs = BigInt(Math.floor(cutoffMs)) * NS_PER_MS;
        while (!stopAsked()) {
          const ids = takeBatch(oldestBefore.all(cutoffNs, batchMaxRuns) as { traceId: string; spanCount: number }[]);
          if (ids.length === 0) break;
          deleteBatch(ids, 'age');
          await yieldToEventLoop();
        }
        if (!stopAsked()) deleteOldAggregates(db, cutoffMs);
        // Log records past the limit by their own time, tied to a stored run or not.
        while (logRecords !== null && !stopAsked()) {
          const deleted = timed(() => logRecords.deleteBefore(cutoffNs));
          logRecordsAlone += deleted;
          if (deleted === 0) break;
          await yieldToEventLoop();
        }
      }

      if (options.maxDatabaseMb > 0) {
        const capBytes = options.maxDatabaseMb * 1024 * 1024;
        while (!stopAsked() && dataBytes().dataBytes > capBytes) {
          // The oldest data first: log records older than every stored run, else the oldest runs.
          const records = logRecords === null ? 0 : timed(() => logRecords.deleteOldestIfOlderThanRuns());
          logRecordsAlone += records;
          if (records === 0) {
            const ids = takeBatch(oldest.all(batchMaxRuns) as { traceId: string; spanCount: number }[]);
            if (ids.length === 0) break;
            deleteBatch(ids, 'size');
          }
          await yieldToEventLoop();
        }
      }

      // Space: with auto_vacuum = INCREMENTAL (new databases) free pages go back to the file
      // system a step at a time; otherwise SQLite reuses them for new spans, so the file stops
      // growing at its high-water mark without a blocking VACUUM.
      result.deletedLogRecords = logRecordsOfRuns + logRecordsAlone;
      if ((result.deletedRuns > 0 || logRecordsAlone > 0) && (db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
        while (!stopAsked()) {
          const before = db.pragma('freelist_count', { simple: true }) as number;
          if (before === 0) break;
          timed(() => db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_STEP})`));
          const after = db.pragma('freelist_count', { simple: true }) as number;
          result.reclaimedPages += before - after;
          if (after >= before) break;
          await yieldToEventLoop();
        }
        db.pragma('wal_checkpoint(PASSIVE)');
      }
      Object.assign(result, dataBytes());
      return result;
    },
  };
}

/** Time-bucketed rows not tied to a trace: latency baselines and reports older than the cutoff. */
function deleteOldAggregates(db: Db, cutoffMs: number): void {
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
  db.transaction(() => {
    if (tables.has('latency_baselines')) db.prepare('DELETE FROM latency_baselines WHERE bucket_start_ms < ?').run(cutoffMs);
    if (tables.has('reports')) db.prepare('DELETE FROM reports WHERE until_ms < ?').run(cutoffMs);
  })();
}
