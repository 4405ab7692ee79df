import type { Db } from './database.js';
import type { AnalysisCommit, AnalysisStore, BaselineStore, CommittedAnalysis } from '../api.js';
import { createAnalysisReader } from './analysis-reader.js';
import { createAnalysisCommitter } from './analysis-commit.js';

export interface SqliteAnalysisStoreOptions {
  /**
   * Where commits run when not on `db`: the span-writer thread's connection
   * (writer-thread/worker-span-writer.ts), so an analysis commit queues behind ingest commits
   * instead of taking the write lock from the event loop. Same transaction either way
   * (analysis-commit.ts).
   */
  commitElsewhere?: (work: AnalysisCommit) => Promise<CommittedAnalysis[]>;
}

/**
 * AnalysisStore over SQLite. A trace's version is its run's span count (the writer adds to it
 * in the same transaction as the spans). Reads (pending traces, a slice's traces in three
 * queries) run on `db`; commits on `db` or, when given, on the writer thread (analysis-commit.ts).
 */
export function createSqliteAnalysisStore(db: Db, options: SqliteAnalysisStoreOptions = {}): AnalysisStore {
  const reader = createAnalysisReader(db);
  const commitHere = options.commitElsewhere === undefined ? createAnalysisCommitter(db) : null;
  const markAll = db.prepare('UPDATE runs SET analyzed = 0 WHERE analyzed = 1');

  return {
    async listPending(query) {
      return reader.listPending({
        idleBeforeMs: query.idleBeforeMs,
        orphanBeforeMs: query.orphanBeforeMs,
        force: query.force,
        limit: query.limit,
        afterStartNs: query.after?.startNs,
        afterTraceId: query.after?.traceId,
      });
    },
    async countPending() {
      return reader.countPending();
    },
    async oldestPendingReceivedMs(idleBeforeMs) {
      return reader.oldestPendingReceivedMs(idleBeforeMs);
    },
    async loadTraces(traceIds) {
      return reader.loadTraces(traceIds);
    },
    async commitAnalyses(work) {
      return commitHere === null ? options.commitElsewhere!(work) : commitHere(work);
    },
    async markAllPending() {
      return markAll.run().changes;
    },
  };
}

/** BaselineStore over SQLite (table latency_baselines, primary key key + bucket start). */
export function createSqliteBaselineStore(db: Db): BaselineStore {
  const selectKey = db.prepare('SELECT bucket_start_ms, n, counts FROM latency_baselines WHERE key = ? AND bucket_start_ms >= ? ORDER BY bucket_start_ms');
  return {
    async readBuckets(keys, sinceMs) {
      return keys.flatMap((key) =>
        (selectKey.all(key, sinceMs) as { bucket_start_ms: number; n: number; counts: string }[]).map((row) => ({
          key,
          bucketStartMs: Number(row.bucket_start_ms),
          n: Number(row.n),
          counts: JSON.parse(row.counts) as [number, number][],
        })),
      );
    },
  };
}
