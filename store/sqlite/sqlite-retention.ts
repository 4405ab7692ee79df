import type { Db } from './sqlite/database.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';

export interface RetentionOptions {
  /** Delete runs that started more than this many days ago (span time); 0 = keep. */
  maxAgeDays: number;
  /** Delete the oldest runs while pages in use exceed this many MiB; 0 = no cap. */
  maxDatabaseMb: number;
  /** Most runs per delete transaction (≤ 500). */
  batchMaxRuns: number;
  /** Most spans per delete transaction (a batch always takes at least one run). Default 2000 (≈ 40 ms on a laptop disk). */
  batchMaxSpans?: number;
}

export interface RetentionPassResult {
  deletedRuns: number;
  deletedSpans: number;
  deletedByAge: number;
  deletedBySize: number;
  /** Bytes of pages in use after the pass: (page_count − freelist_count) × page_size. */
  dataBytes: number;
  /** Bytes of the main database file after the pass (page_count × page_size). */
  fileBytes: number;
  /** Pages returned to the file system by incremental vacuum (0 when auto_vacuum is not INCREMENTAL). */
  reclaimedPages: number;
  /** Longest single delete transaction or vacuum step, in ms: the most ingest ever waited. */
  longestStepMs: number;
}

export interface Retention {
  /**
   * One pass: age limit, then size cap, then space reclaim. Deletes in transactions of at most
   * `batchMaxRuns` runs and `batchMaxSpans` spans, yielding to the event loop between them so
   * ingest never waits for more than one batch. Per-trace rows of every table with a
   * `trace_id` column go with their run, in the same transaction.
   */
  runPass(nowMs?: number): Promise<RetentionPassResult>;
  /** Makes a running pass stop after its current batch. */
  abort(): void;
}

const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;
const VACUUM_PAGES_PER_STEP = 1024;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface RetentionHooks {
  metrics?: Metrics;
  /** Asked between delete units: true ends the pass early, as abort() does. */
  shouldStop?: () => boolean;
  /** Called after each delete unit. */
  onDeleted?: (reason: 'age' | 'size', runs: number, spans: number) => void;
}

export function createRetention(db: Db, options: RetentionOptions, hooks: RetentionHooks = {}): Retention {
  const batchMaxSpans = options.batchMaxSpans ?? 2_000;
  const batchMaxRuns = Math.min(Math.max(1, options.batchMaxRuns), 500);
  const oldestBefore = db.prepare('SELECT trace_id AS traceId, span_count AS spanCount FROM runs WHERE start_ns < ? ORDER BY start_ns LIMIT ?');
  const oldest = db.prepare('SELECT trace_id AS traceId, span_count AS spanCount FROM runs ORDER BY start_ns LIMIT ?');
  const deleteRun = db.prepare('DELETE FROM runs WHERE trace_id = ?');
  let abortedFlag = false;
  const stopAsked = () => abortedFlag || (hooks.shouldStop?.() ?? false);

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
    abort() {
      abortedFlag = true;
    },
    async runPass(nowMs = Date.now()) {
      abortedFlag = false;
      const result: RetentionPassResult = { deletedRuns: 0, deletedSpans: 0, deletedByAge: 0, deletedBySize: 0, dataBytes: 0, fileBytes: 0, reclaimedPages: 0, longestStepMs: 0 };
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
        hooks.metrics?.retentionDeletedRuns.inc({ reason }, ids.length);
        hooks.metrics?.retentionDeletedSpans.inc(spans);
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
      }

      if (options.maxDatabaseMb > 0) {
        const capBytes = options.maxDatabaseMb * 1024 * 1024;
        while (!stopAsked() && dataBytes().dataBytes > capBytes) {
          const ids = takeBatch(oldest.all(batchMaxRuns) as { traceId: string; spanCount: number }[]);
          if (ids.length === 0) break;
          deleteBatch(ids, 'size');
          await yieldToEventLoop();
        }
      }

      // Space: with auto_vacuum = INCREMENTAL (new databases) free pages go back to the file
      // system a step at a time; otherwise SQLite reuses them for new spans, so the file stops
      // growing at its high-water mark without a blocking VACUUM.
      if (result.deletedRuns > 0 && (db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
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
      hooks.metrics?.databaseBytes.set({ kind: 'data' }, result.dataBytes);
      hooks.metrics?.databaseBytes.set({ kind: 'file' }, result.fileBytes);
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

export interface RetentionTaskOptions extends RetentionOptions {
  /** Milliseconds between passes. */
  interval: number;
  /** Milliseconds before the first pass. Default min(interval, 30 s). */
  firstDelayMs?: number;
  metrics?: Metrics;
  logger?: Logger;
}

/**
 * The retention BackgroundTask of `tracehound serve`: a pass every `interval` (timers are
 * unref'd, passes never overlap). `stop()` aborts a running pass after its current batch and
 * resolves when it has ended. With neither limit set it only measures the database size.
 */
export function startRetention(db: Db, options: RetentionTaskOptions): { stop(): Promise<void> } {
  const retention = createRetention(db, options, { metrics: options.metrics });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    const started = performance.now();
    try {
      const result = await retention.runPass();
      options.metrics?.retentionPassSeconds.observe((performance.now() - started) / 1000);
      if (result.deletedRuns > 0) options.logger?.info({ retention: result }, 'retention pass deleted old runs');
    } catch (error) {
      options.logger?.error({ err: error }, 'retention pass failed');
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule(options.interval);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? Math.min(options.interval, 30_000));
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      retention.abort();
      await running;
    },
  };
}
