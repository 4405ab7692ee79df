import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { createSpanRowWriter } from '../../span-writer.js';
import type { WriteRequest, WriteReply, WriteWorkerData } from './worker-span-writer.js';

/**
 * The body of the span-writer thread: its own SQLite connection to the service's database
 * file, the same transaction per batch as `createSpanWriter` (`createSpanRowWriter`), one batch at a time.
 */
const data = workerData as WriteWorkerData;
const db = openDatabase(data.path, { synchronous: data.synchronous, cacheSizeMb: data.cacheSizeMb });
// The main thread's connection (analysis, reviews, retention) writes too. SQLite's own busy
// handler sleeps with a growing backoff (up to 100 ms a try), which lets a busy analyser keep
// the lock for long stretches; this thread instead retries every millisecond.
db.pragma('busy_timeout = 0');
const writeRows = createSpanRowWriter(db);
const port = parentPort!;
const LOCK_WAIT_MAX_MS = 5000;
const tick = new Int32Array(new SharedArrayBuffer(4));

/** One transaction, retried (whole: nothing of a failed try is kept) while the lock is taken. */
function writeWithRetry(request: WriteRequest): WriteReply {
  const deadline = Date.now() + LOCK_WAIT_MAX_MS;
  for (;;) {
    try {
      return { id: request.id, result: writeRows(request.batch, request.receivedAtMs) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(tick, 0, 0, 1);
    }
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
    reply = writeWithRetry(message);
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
