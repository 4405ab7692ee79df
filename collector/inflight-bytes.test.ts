import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientInflightBytesExceededError, InflightBytes, InflightBytesExceededError } from './inflight-bytes.js';
import { readBody } from './read-body.js';
import { encodeProtobuf, jsonRequest, jsonSpan } from '../test/collector/support/otlp-payloads.js';
import { startTestService } from '../test/collector/support/test-service.js';

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield part;
}

describe('in-flight request bytes', () => {
  it('refuses a second request past the budget and takes it again once the first is done', () => {
    const budget = new InflightBytes(1000);
    const first = budget.lease();
    first.take(800);
    const second = budget.lease();
    expect(() => second.take(300)).toThrow(InflightBytesExceededError);
    second.take(200);
    expect(budget.bytes).toBe(1000);
    first.release();
    first.release(); // idempotent
    second.take(700);
    expect(budget.bytes).toBe(900);
    second.release();
    expect(budget.bytes).toBe(0);
  });

  it('always takes a lone request, however large', () => {
    const budget = new InflightBytes(1000);
    const lone = budget.lease();
    lone.take(5000);
    lone.take(5000);
    expect(budget.bytes).toBe(10_000);
  });

  it('caps one client\'s share while other clients still take bytes', () => {
    const budget = new InflightBytes(10_000, 1000);
    const first = budget.lease('10.0.0.1');
    first.take(800);
    const second = budget.lease('10.0.0.1');
    expect(() => second.take(300)).toThrow(ClientInflightBytesExceededError);
    budget.lease('10.0.0.2').take(3000);
    first.take(5000); // the client's first request alone is never refused by its own cap
    first.release();
    expect(budget.clientBytes('10.0.0.1')).toBe(0);
  });

  it('counts bytes as they arrive, never the declared length', async () => {
    const taken: number[] = [];
    await readBody(chunks(Buffer.alloc(10), Buffer.alloc(5)), '15', 100, (bytes) => taken.push(bytes));
    expect(taken).toEqual([10, 5]);
    taken.length = 0;
    await readBody(chunks(Buffer.alloc(10), Buffer.alloc(5)), undefined, 100, (bytes) => taken.push(bytes));
    expect(taken).toEqual([10, 5]);
  });

  it('answers 503 with Retry-After while other uploads hold the budget, then stores the retry', async () => {
    const service = await startTestService({ collector: { maxInflightBytes: 4096, retryAfterSeconds: 3 } });
    try {
      const url = new URL(`${service.url}/v1/traces`);
      // A slow upload: declares 3,500 bytes, sends 3,000, and holds them.
      const slow = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': '3500' } });
      const slowAnswer = new Promise<number>((resolve, reject) => {
        slow.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        slow.on('error', reject);
      });
      slow.write(Buffer.alloc(3000));
      await new Promise((resolve) => setTimeout(resolve, 100));

      const body = encodeProtobuf(jsonRequest([jsonSpan({ name: 'after the slow one', attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(1500) } }] })]));
      expect(body.length).toBeGreaterThan(1096);
      expect(body.length).toBeLessThan(3000);
      const refused = await fetch(url, { method: 'POST', body: body as unknown as BodyInit, headers: { 'Content-Type': 'application/x-protobuf' } });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(6);
      await refused.arrayBuffer();

      slow.destroy(); // the slow upload gives up: its bytes are released
      await slowAnswer.catch(() => 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const retried = await fetch(url, { method: 'POST', body: body as unknown as BodyInit, headers: { 'Content-Type': 'application/x-protobuf' } });
      expect(retried.status).toBe(200);
      await retried.arrayBuffer();
      expect((service.db.prepare("SELECT COUNT(*) AS n FROM spans WHERE name = 'after the slow one'").get() as { n: number }).n).toBe(1);
    } finally {
      await service.stop();
    }
  });
});
