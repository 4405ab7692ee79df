import { Worker } from 'node:worker_threads';
import type { NormalizedSpan } from '../../../model/span.js';
import type { AnalysisCommit, CommittedAnalysis } from '../../api.js';
import { toSpanRows, type SpanRows, type WriteResult } from '../../span-writer.js';

export interface WriteWorkerData {
  path: string;
  synchronous: 'full' | 'normal';
  cacheSizeMb: number;
}
/** What the thread is given besides WriteWorkerData: the flag it raises while it waits for the write lock. */
export interface WriteWorkerShared extends WriteWorkerData {
  /** Int32Array over it: [0] is 1 while a job waits for the write lock another connection holds. */
  lockWait: SharedArrayBuffer;
}
export type WriteRequest =
  /** A span batch already serialised to row values on the sending thread (`toSpanRows`). */
  | { id: number; batch: SpanRows; receivedAtMs: number }
  /** The analyser's commit (store/sqlite/analysis-commit.ts). */
  | { id: number; analysis: AnalysisCommit };
export type WriteReply = { id: number; result: WriteResult | CommittedAnalysis[] } | { id: number; error: string };

export interface WorkerSpanWriter {
  /** Commits the batch in one transaction on the writer thread; rejects when nothing was stored. */
  write(spans: readonly NormalizedSpan[], receivedAtMs: number): Promise<WriteResult>;
  /** Runs the analyser's commit on the writer thread, in turn with span batches; rejects when nothing was stored. */
  commitAnalyses(work: AnalysisCommit): Promise<CommittedAnalysis[]>;
  /** Resolves once the thread has opened the database (rejects if it could not start). */
  whenReady(): Promise<void>;
  /** True while the thread waits for the write lock another connection (the main thread's) holds. */
  pending(): boolean;
  /** Closes the thread's connection and ends the thread. */
  close(): Promise<void>;
}

/**
 * Runs `createSpanWriter` on its own thread with its own connection to the database file
 * (WAL: one writer, readers unaffected). better-sqlite3 is synchronous, so a commit on the
 * main thread stops the event loop; here, reading and decoding the next requests overlap the
 * commit of the previous ones. The sending thread turns spans into row values (`toSpanRows`:
 * the JSON serialisation it would do anyway) and only those flat tuples cross the thread
 * boundary by structured clone (≈2 µs/span, against ≈7 µs for normalised span objects).
 * The analyser's commits run here too, one job at a time in arrival order, so analysis and
 * ingest never wait for each other's write lock and the commit's work leaves the event loop.
 * If the thread dies, in-flight jobs reject (the requests get 503) and the next job starts a
 * new thread.
 */
export function createWorkerSpanWriter(data: WriteWorkerData): WorkerSpanWriter {
  let worker: Worker | null = null;
  let ready: Promise<void> | null = null;
  let nextId = 1;
  const lockWait = new SharedArrayBuffer(4);
  const waiting = new Int32Array(lockWait);
  const inFlight = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();

  const start = (): Promise<void> => {
    const thread = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { ...data, lockWait } satisfies WriteWorkerShared });
    worker = thread;
    const started = new Promise<void>((resolve, reject) => {
      thread.once('error', reject);
      thread.once('message', () => resolve());
    });
    thread.on('message', (reply: WriteReply | { ready: true }) => {
      if (!('id' in reply)) return;
      const waiter = inFlight.get(reply.id);
      if (waiter === undefined) return;
      inFlight.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.result as never);
    });
    thread.on('exit', () => {
      if (worker === thread) {
        worker = null;
        ready = null;
      }
      Atomics.store(waiting, 0, 0);
      for (const waiter of inFlight.values()) waiter.reject(new Error('the span-writer thread stopped'));
      inFlight.clear();
    });
    thread.on('error', () => undefined); // surfaced through 'exit' and the pending writes
    return started;
  };

  // Start at once: the thread compiles its TypeScript and opens the database (~0.5 s), which
  // should not be paid by the first request.
  ready = start();
  ready.catch(() => undefined);

  const send = <T>(request: (id: number) => WriteRequest): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      inFlight.set(id, { resolve: resolve as (result: never) => void, reject });
      worker!.postMessage(request(id));
    });
  };

  return {
    async write(spans, receivedAtMs) {
      ready ??= start();
      await ready;
      const batch = toSpanRows(spans, receivedAtMs);
      return send<WriteResult>((id) => ({ id, batch, receivedAtMs }));
    },
    async commitAnalyses(work) {
      ready ??= start();
      await ready;
      return send<CommittedAnalysis[]>((id) => ({ id, analysis: work }));
    },
    whenReady: () => (ready ??= start()),
    pending: () => Atomics.load(waiting, 0) === 1,
    async close() {
      const thread = worker;
      if (thread === null) return;
      await ready?.catch(() => undefined);
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage('close');
      await exited;
    },
  };
}
