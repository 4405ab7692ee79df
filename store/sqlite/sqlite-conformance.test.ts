import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runStorageConformance } from '../conformance/storage-conformance.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'tracehound-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let next = 0;

// A temp file per case, with the writer thread as `tracehound serve` runs it.
runStorageConformance('sqlite (file, writer thread)', () => openSqliteStorage({ path: join(dir, `case-${next++}.db`), synchronous: 'normal', writerThread: true }), {
  backupToFile: true,
  backupPath: () => join(dir, `backup-${next++}.db`),
});

// And on one connection, without the thread: ingest and analysis commit on the event loop.
runStorageConformance('sqlite (file, event loop)', () => openSqliteStorage({ path: join(dir, `case-${next++}.db`), synchronous: 'normal', writerThread: false }), {
  backupToFile: true,
  backupPath: () => join(dir, `backup-${next++}.db`),
});
