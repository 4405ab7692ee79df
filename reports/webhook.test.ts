import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../ops/logger.js';
import { createMetrics } from '../ops/metrics.js';
import { createWebhookSender, parseRetryAfterMs, type DeliveryState } from './webhook.js';

/** A loopback receiver that answers the first `failures` requests with `failStatus`, then 200. */
async function startReceiver(failures: number, failStatus = 500): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  let seen = 0;
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      seen++;
      response.statusCode = seen <= failures ? failStatus : 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const logger = createLogger('silent');

describe('webhook sender', () => {
  it('retries a failing receiver with backoff until it answers 200', async () => {
    const receiver = await startReceiver(3);
    servers.push(receiver.server);
    const metrics = createMetrics();
    const sender = createWebhookSender({ logger, metrics, backoffMs: 5, maxAttempts: 5 });
    const states: DeliveryState[] = [];
    expect(sender.enqueue({ kind: 'report', url: receiver.url, body: { hello: 'world' }, onProgress: (state) => states.push(state) })).toBe(true);
    await sender.idle();
    expect(receiver.bodies).toEqual([{ hello: 'world' }, { hello: 'world' }, { hello: 'world' }, { hello: 'world' }]);
    expect(states.at(-1)).toEqual({ status: 'delivered', attempts: 4, error: null });
    expect(states.slice(0, -1).map((state) => state.status)).toEqual(['pending', 'pending', 'pending']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('tracehound_webhook_deliveries_total{kind="report",outcome="retried"} 3');
    expect(text).toContain('tracehound_webhook_deliveries_total{kind="report",outcome="delivered"} 1');
    await sender.stop();
  });

  it('gives up after maxAttempts and reports the failure', async () => {
    const receiver = await startReceiver(100);
    servers.push(receiver.server);
    const metrics = createMetrics();
    const sender = createWebhookSender({ logger, metrics, backoffMs: 1, maxAttempts: 3 });
    const states: DeliveryState[] = [];
    sender.enqueue({ kind: 'alert', url: receiver.url, body: {}, onProgress: (state) => states.push(state) });
    await sender.idle();
    expect(receiver.bodies).toHaveLength(3);
    expect(states.at(-1)).toEqual({ status: 'failed', attempts: 3, error: 'HTTP 500' });
    expect(await metrics.registry.metrics()).toContain('tracehound_webhook_deliveries_total{kind="alert",outcome="failed"} 1');
    await sender.stop();
  });

  it('does not retry a 4xx that will not change', async () => {
    const receiver = await startReceiver(100, 404);
    servers.push(receiver.server);
    const sender = createWebhookSender({ logger, backoffMs: 1, maxAttempts: 5 });
    const states: DeliveryState[] = [];
    sender.enqueue({ kind: 'report', url: receiver.url, body: {}, onProgress: (state) => states.push(state) });
    await sender.idle();
    expect(receiver.bodies).toHaveLength(1);
    expect(states).toEqual([{ status: 'failed', attempts: 1, error: 'HTTP 404' }]);
    await sender.stop();
  });

  it('records an unreachable receiver as a failed delivery', async () => {
    const receiver = await startReceiver(0);
    const url = receiver.url;
    await new Promise((resolve) => receiver.server.close(resolve));
    const sender = createWebhookSender({ logger, backoffMs: 1, maxAttempts: 2 });
    const states: DeliveryState[] = [];
    sender.enqueue({ kind: 'report', url, body: {}, onProgress: (state) => states.push(state) });
    await sender.idle();
    expect(states.at(-1)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(states.at(-1)!.error).toMatch(/ECONNREFUSED|fetch failed/);
    await sender.stop();
  });

  it('drops deliveries past the queue bound instead of growing without limit', async () => {
    const receiver = await startReceiver(0);
    servers.push(receiver.server);
    const metrics = createMetrics();
    const sender = createWebhookSender({ logger, metrics, maxQueued: 2 });
    const accepted = Array.from({ length: 5 }, (_, i) => sender.enqueue({ kind: 'alert', url: receiver.url, body: { i } }));
    // The first is taken by the worker at once; two wait; the rest are dropped.
    expect(accepted.filter(Boolean).length).toBeLessThanOrEqual(3);
    expect(accepted.slice(3)).toEqual([false, false]);
    await sender.idle();
    expect(await metrics.registry.metrics()).toContain('tracehound_webhook_deliveries_total{kind="alert",outcome="dropped"} 2');
    await sender.stop();
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfterMs('soon')).toBeNull();
  });
});
