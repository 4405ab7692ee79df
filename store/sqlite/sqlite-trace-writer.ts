import type { Db } from './database.js';
import type { TraceWriter } from '../api.js';
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
 */
export function createSqliteTraceWriter(db: Db, options: SqliteTraceWriterOptions): TraceWriter & { close(): Promise<void> } {
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
    };
  }
  const write = createSpanWriter(db);
  return {
    writeSpans: async (spans, receivedAtMs) => write(spans, receivedAtMs),
    whenReady: async () => undefined,
    writePending: () => false,
    close: async () => undefined,
  };
}
