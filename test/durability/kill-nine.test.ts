import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeProtobuf, freshId, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { spawnServe, type ServeProcess } from './support/serve-process.js';

/**
 * "A 2xx means the spans are durably stored" (SPEC.md): several senders post batches to a real
 * `tracehound serve` process, which is SIGKILLed mid-stream, restarted on the same file (WAL
 * recovery and quick_check at open), killed again, and finally stopped with SIGTERM. Every span
 * of every acknowledged request must be in the database.
 */
const dir = mkdtempSync(join(tmpdir(), 'tracehound-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SENDERS = 6;
const SPANS_PER_REQUEST = 40;

interface Tally {
  acknowledged: Set<string>;
  requests: number;
  failed: number;
}

/** Senders post until `stop()` is called; spans of 200 responses are recorded as acknowledged. */
function startSenders(url: string, tally: Tally) {
  let running = true;
  const sender = async () => {
    while (running) {
      const traceId = freshId(16);
      const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) =>
        jsonSpan({ traceId, spanId: freshId(8), name: `step ${i}`, attributes: [{ key: 'payload', value: { stringValue: 'x'.repeat(200) } }] }),
      );
      tally.requests++;
      try {
        const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array(encodeProtobuf(jsonRequest(spans))) });
        await response.arrayBuffer();
        if (response.status === 200) for (const span of spans) tally.acknowledged.add(`${traceId}:${span.spanId}`);
        else tally.failed++;
      } catch {
        tally.failed++; // connection reset by the kill: not acknowledged
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const all = Array.from({ length: SENDERS }, sender);
  return async () => {
    running = false;
    await Promise.all(all);
  };
}

async function waitForAcks(tally: Tally, atLeast: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (tally.acknowledged.size < atLeast && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

function storedIds(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set((db.prepare('SELECT trace_id || \':\' || span_id AS id FROM spans').all() as { id: string }[]).map((row) => row.id));
  } finally {
    db.close();
  }
}

describe.each([
  { writerThread: false, kills: 2 },
  { writerThread: true, kills: 1 },
])('durability (storage.writerThread: $writerThread)', ({ writerThread, kills }) => {
  it(`keeps every acknowledged span through ${kills} SIGKILL(s) mid-stream and a graceful SIGTERM`, async () => {
    const dbPath = join(dir, `tracehound-${writerThread}.db`);
    const configPath = join(dir, `otel-config-${writerThread}.yaml`);
    writeFileSync(configPath, `storage:\n  writerThread: ${writerThread}\n`);
    const args = ['--config', configPath, '--db', dbPath];
    const tally: Tally = { acknowledged: new Set(), requests: 0, failed: 0 };
    let server: ServeProcess | undefined;
    try {
      for (let round = 1; round <= kills; round++) {
        server = await spawnServe(args, dir);
        const stop = startSenders(server.url, tally);
        await waitForAcks(tally, round * 4000);
        server.child.kill('SIGKILL');
        const { signal } = await server.exited;
        expect(signal).toBe('SIGKILL');
        await stop();
      }
      // Restart on the killed file: recovery must succeed, then a graceful stop under load.
      server = await spawnServe(args, dir);
      const stop = startSenders(server.url, tally);
      await waitForAcks(tally, tally.acknowledged.size + 2000);
      server.child.kill('SIGTERM');
      const { code } = await server.exited;
      await stop();
      expect(code).toBe(0);
      expect(server.output.some((line) => line.includes('tracehound stopped'))).toBe(true);
    } finally {
      if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }

    const stored = storedIds(dbPath);
    const missing = [...tally.acknowledged].filter((id) => !stored.has(id));
    console.log(
      `kill -9 (writerThread ${writerThread}): ${tally.requests} requests, ${tally.failed} not acknowledged (killed mid-flight or refused), ` +
        `${tally.acknowledged.size} spans acknowledged, ${tally.acknowledged.size - missing.length} found, ${stored.size} stored in all`,
    );
    expect(tally.acknowledged.size).toBeGreaterThan(kills * 2_000);
    expect(missing).toEqual([]);
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
