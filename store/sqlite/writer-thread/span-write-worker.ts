import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { createSpanRowWriter } from '../../span-writer.js';
import { createAnalysisCommitter } from '../analysis-commit.js';
import type { WriteRequest, WriteReply, WriteWorkerShared } from './worker-span-writer.js';

/**
 * The body of the span-writer thread: its own SQLite connection to the service's database
 * file, the same transaction per batch as `createSpanWriter` (`createSpanRowWriter`) and per
 * analysis commit as the main connection's (`createAnalysisCommitter`), one job at a time.
 */
const data = workerData as WriteWorkerShared;
const db = openDatabase(data.path, { synchronous: data.synchronous, cacheSizeMb: data.cacheSizeMb });
// The main thread's connection (reviews, retention) writes too. SQLite's own busy handler
// sleeps with a growing backoff (up to 100 ms a try), which lets the other connection keep the
// lock for long stretches; this thread instead retries every millisecond.
db.pragma('busy_timeout = 0');
const writeRows = createSpanRowWriter(db);
const commitAnalyses = createAnalysisCommitter(db);
const port = parentPort!;
const LOCK_WAIT_MAX_MS = 5000;
const tick = new Int32Array(new SharedArrayBuffer(4));
const waiting = new Int32Array(data.lockWait);

/** One transaction, retried (whole: nothing of a failed try is kept) while the lock is taken. */
function runWithRetry(request: WriteRequest): WriteReply {
  const deadline = Date.now() + LOCK_WAIT_MAX_MS;
  try {
    for (;;) {
      try {
        return { id: request.id, result: 'analysis' in request ? commitAnalyses(request.analysis) : writeRows(request.batch, request.receivedAtMs) };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
        Atomics.store(waiting, 0, 1);
        Atomics.wait(tick, 0, 0, 1);
      }
    }
  } finally {
    Atomics.store(waiting, 0, 0);
  }
}

port.on('message', (message: WriteRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriteReply;
  try {
    reply = runWithRetry(message);
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
