import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../store/database.js';
import { createSpanRowWriter } from '../../store/span-writer.js';
import type { WriteRequest, WriteReply, WriteWorkerData } from './worker-span-writer.js';

/**
 * The body of the span-writer thread: its own SQLite connection to the service's database
 * file, the same transaction per batch as `createSpanWriter` (`createSpanRowWriter`), one batch at a time.
 */
const data = workerData as WriteWorkerData;
const db = openDatabase(data.path, { synchronous: data.synchronous, cacheSizeMb: data.cacheSizeMb });
const writeRows = createSpanRowWriter(db);
const port = parentPort!;

port.on('message', (message: WriteRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriteReply;
  try {
    reply = { id: message.id, result: writeRows(message.batch, message.receivedAtMs) };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
