import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import { createSpanWriter, type WriteResult } from '../store/span-writer.js';
import type { NormalizedSpan } from '../model/span.js';
import { createMetrics } from '../ops/metrics.js';
import { makeSpan } from '../test/support/normalized-spans.js';
import { IngestQueue, IngestUnavailableError } from './ingest-queue.js';

let db: Db;
afterEach(() => db?.close());

function countSpans(): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
}

function recordingWriter() {
  db = openDatabase(':memory:');
  const write = createSpanWriter(db);
  const batches: number[] = [];
  return {
    batches,
    write: (spans: readonly NormalizedSpan[], at: number): WriteResult => {
      batches.push(spans.length);
      return write(spans, at);
    },
  };
}

describe('IngestQueue', () => {
  it('commits concurrent requests together in one transaction and resolves each after the commit', async () => {
    const writer = recordingWriter();
    const stored: string[][] = [];
    const metrics = createMetrics();
    const queue = new IngestQueue({ writeSpans: writer.write, batchMaxSpans: 100, maxQueuedSpans: 1000, metrics, onSpansStored: (ids) => stored.push(ids) });
    const requests = [1, 2, 3].map(() => [makeSpan(), makeSpan()]);
    await Promise.all(requests.map((spans) => queue.enqueue(spans).then(() => expect(countSpans()).toBeGreaterThanOrEqual(spans.length))));
    expect(writer.batches).toEqual([6]);
    expect(countSpans()).toBe(6);
    expect(stored.flat()).toHaveLength(6);
    expect(queue.depth).toBe(0);
    expect((await metrics.spansStored.get()).values[0]!.value).toBe(6);
  });

  it('never splits a request across transactions and respects batchMaxSpans between requests', async () => {
    const writer = recordingWriter();
    const queue = new IngestQueue({ writeSpans: writer.write, batchMaxSpans: 3, maxQueuedSpans: 1000 });
    await Promise.all([queue.enqueue([makeSpan(), makeSpan()]), queue.enqueue([makeSpan(), makeSpan()]), queue.enqueue(Array.from({ length: 5 }, () => makeSpan()))]);
    expect(writer.batches).toEqual([2, 2, 5]);
  });

  it('refuses a request that would overflow maxQueuedSpans, storing nothing of it', async () => {
    const writer = recordingWriter();
    const queue = new IngestQueue({ writeSpans: writer.write, batchMaxSpans: 100, maxQueuedSpans: 3 });
    const first = queue.enqueue([makeSpan(), makeSpan()]);
    expect(queue.hasRoom()).toBe(true);
    await expect(queue.enqueue([makeSpan(), makeSpan()])).rejects.toMatchObject({ reason: 'overloaded' });
    await first;
    expect(countSpans()).toBe(2);
  });

  it('lets a decoded request that does not fit wait for the commit ahead of it (fitWaitMs), then stores it whole', async () => {
    const writer = recordingWriter();
    const queue = new IngestQueue({ writeSpans: writer.write, batchMaxSpans: 100, maxQueuedSpans: 3, fitWaitMs: 5000 });
    const first = queue.enqueue([makeSpan(), makeSpan()]);
    const second = queue.enqueue([makeSpan(), makeSpan()]);
    expect(queue.depth).toBe(2); // the second waits outside the queue, not counted
    await Promise.all([first, second]);
    expect(writer.batches).toEqual([2, 2]);
    expect(countSpans()).toBe(4);
  });

  it('refuses a waiting request once fitWaitMs passes without room, and at once when the queue drains', async () => {
    const writer = recordingWriter();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const queue = new IngestQueue({
      writeSpans: async (spans, at) => {
        await held;
        return writer.write(spans, at);
      },
      batchMaxSpans: 100,
      maxQueuedSpans: 3,
      fitWaitMs: 50,
    });
    const first = queue.enqueue([makeSpan(), makeSpan()]);
    await expect(queue.enqueue([makeSpan(), makeSpan()])).rejects.toMatchObject({ reason: 'overloaded' });
    const waiting = queue.enqueue([makeSpan(), makeSpan()]);
    const drained = queue.drain();
    await expect(waiting).rejects.toMatchObject({ reason: 'shutting_down' });
    release();
    await Promise.all([first, drained]);
    expect(countSpans()).toBe(2);
  });

  it('isolates a failing request: its neighbours in the batch are stored, it gets storage_failed', async () => {
    const writer = recordingWriter();
    const poison = makeSpan({ name: 'poison' });
    const queue = new IngestQueue({
      writeSpans: (spans, at) => {
        if (spans.includes(poison)) throw new Error('disk full');
        return writer.write(spans, at);
      },
      batchMaxSpans: 100,
      maxQueuedSpans: 1000,
    });
    const results = await Promise.allSettled([queue.enqueue([makeSpan()]), queue.enqueue([makeSpan(), poison]), queue.enqueue([makeSpan()])]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(IngestUnavailableError);
    expect((results[1] as PromiseRejectedResult).reason.reason).toBe('storage_failed');
    expect(countSpans()).toBe(2);
  });

  it('drain finishes queued commits, then refuses new requests', async () => {
    const writer = recordingWriter();
    const queue = new IngestQueue({ writeSpans: writer.write, batchMaxSpans: 100, maxQueuedSpans: 1000 });
    const pending = queue.enqueue([makeSpan(), makeSpan()]);
    await queue.drain();
    expect(countSpans()).toBe(2);
    await pending;
    expect(queue.hasRoom()).toBe(false);
    await expect(queue.enqueue([makeSpan()])).rejects.toMatchObject({ reason: 'shutting_down' });
  });

  it('keeps running when the onSpansStored listener throws', async () => {
    const writer = recordingWriter();
    const errors: string[] = [];
    const queue = new IngestQueue({
      writeSpans: writer.write,
      batchMaxSpans: 100,
      maxQueuedSpans: 1000,
      onSpansStored: () => {
        throw new Error('analyser bug');
      },
      onError: (_error, context) => errors.push(context),
    });
    await queue.enqueue([makeSpan()]);
    expect(errors).toEqual(['onSpansStored callback failed']);
  });
});
