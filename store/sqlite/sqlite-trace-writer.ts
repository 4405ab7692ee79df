import type { Db } from './database.js';
import type { AnalysisCommit, CommittedAnalysis, TraceWriter } from '../api.js';
import { createSpanWriter } from '../span-writer.js';
import { createWorkerSpanWriter, type WorkerSpanWriter } from './writer-thread/worker-span-writer.js';

export interface SqliteTraceWriterOptions {
  path: string;
  synchronous: 'full' | 'normal';
  cacheSizeMb: number;
  /** Commit on a writer thread with its own connection (file databases only). */
  writerThread: boolean;
}

/**
 * TraceWriter over SQLite: one transaction per batch (spans, resources, run totals), idempotent
 * on (trace_id, span_id), durable per `synchronous` when it resolves. With `writerThread` (and a
 * file) commits run on their own thread and connection, so the event loop keeps decoding while
 * a commit waits for fsync or for the write lock; otherwise on the caller's connection.
 * `writePending` is true while the thread waits for the write lock the main connection holds.
 */
export function createSqliteTraceWriter(
  db: Db,
  options: SqliteTraceWriterOptions,
): TraceWriter & {
  close(): Promise<void>;
  /** The writer thread's analysis commit (store/sqlite/analysis-commit.ts); null without a thread. */
  commitAnalyses: ((work: AnalysisCommit) => Promise<CommittedAnalysis[]>) | null;
} {
  const thread: WorkerSpanWriter | null =
    options.path === ':memory:' || !options.writerThread
      ? null
      : createWorkerSpanWriter({ path: options.path, synchronous: options.synchronous, cacheSizeMb: options.cacheSizeMb });
  if (thread !== null) {
    return {
      writeSpans: (spans, receivedAtMs) => thread.write(spans, receivedAtMs),
      whenReady: () => thread.whenReady(),
      writePending: () => thread.pending(),
      close: () => thread.close(),
      commitAnalyses: (work) => thread.commitAnalyses(work),
    };
  }
  const write = createSpanWriter(db);
  return {
    writeSpans: async (spans, receivedAtMs) => write(spans, receivedAtMs),
    whenReady: async () => undefined,
    writePending: () => false,
    close: async () => undefined,
    commitAnalyses: null,
  };
}
