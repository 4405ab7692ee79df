import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { getRun } from '../../run-reader.js';
import { hexId, makeSpan } from '../../../test/support/normalized-spans.js';
import { createWorkerSpanWriter } from './worker-span-writer.js';

describe('writer thread', () => {
  it('commits on its own connection and waits for a write lock held by another connection', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'th-writer-')), 'db.sqlite');
    const main = openDatabase(path);
    const writer = createWorkerSpanWriter({ path, synchronous: 'normal', cacheSizeMb: 8 });
    await writer.whenReady();
    expect(writer.pending()).toBe(false);

    // Another writer (the analyser, on the main connection) holds the lock for a while.
    main.exec('BEGIN IMMEDIATE');
    const traceId = hexId(16);
    const written = writer.write([makeSpan({ traceId, name: 'root' }), makeSpan({ traceId, name: 'child' })], Date.now());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(writer.pending()).toBe(true);
    main.exec('COMMIT');

    await expect(written).resolves.toMatchObject({ inserted: 2, duplicates: 0, traceIds: [traceId] });
    expect(writer.pending()).toBe(false);
    expect(getRun(main, traceId)).toMatchObject({ spanCount: 2 });
    await writer.close();
    main.close();
  });
});
