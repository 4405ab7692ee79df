import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';

/**
 * Webhook delivery for reports and alerts: a bounded in-memory queue drained by one worker, so
 * a slow or dead receiver never blocks ingest, analysis or the HTTP API. Each delivery is POSTed
 * as JSON and retried with exponential backoff (honouring Retry-After) until it gets a 2xx, a
 * permanent 4xx, or runs out of attempts. Outcomes are logged and counted in
 * `tracehound_webhook_deliveries_total{kind,outcome}` (outcome: delivered | retried | failed | dropped).
 */

export type WebhookKind = 'report' | 'alert';

export interface WebhookDelivery {
  kind: WebhookKind;
  url: string;
  /** The JSON body to POST. */
  body: unknown;
  /** Called after every attempt that did not succeed and will be retried, and once at the end. */
  onProgress?: (state: DeliveryState) => void;
}

export interface DeliveryState {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The last failure (`HTTP 500`, `timeout after 10000 ms`, …); null when delivered. */
  error: string | null;
}

export interface WebhookSenderOptions {
  /** Attempts per delivery, the first included. Default 5. */
  maxAttempts?: number;
  /** Wait before the first retry, in ms; doubled for each further retry. Default 2000. */
  backoffMs?: number;
  /** Longest wait between attempts, in ms (also caps Retry-After). Default 60000. */
  maxBackoffMs?: number;
  /** Per-attempt timeout, in ms. Default 10000. */
  timeoutMs?: number;
  /** Deliveries waiting at most; past this, new ones are dropped (and counted). Default 100. */
  maxQueued?: number;
  logger: Logger;
  metrics?: Metrics;
}

export interface WebhookSender {
  /** Queues a delivery; false when the queue is full or the sender stopped (the delivery is dropped). */
  enqueue(delivery: WebhookDelivery): boolean;
  /** Deliveries queued or in flight. */
  readonly pending: number;
  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void>;
  /** Stops: no new deliveries; waits cut short; the one in flight ends as failed ("stopped"). */
  stop(): Promise<void>;
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const backoffMs = options.backoffMs ?? 2000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxQueued = options.maxQueued ?? 100;
  const { logger, metrics } = options;
  const queue: WebhookDelivery[] = [];
  let inFlight = 0;
  let stopped = false;
  let worker: Promise<void> | null = null;
  const stopController = new AbortController();
  const idleWaiters: (() => void)[] = [];

  const count = (kind: WebhookKind, outcome: string) => metrics?.webhookDeliveries.inc({ kind, outcome });

  async function attempt(delivery: WebhookDelivery): Promise<{ ok: true } | { ok: false; error: string; retry: boolean; retryAfterMs: number | null }> {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tracehound-webhook' },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopController.signal]),
        redirect: 'error',
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { ok: true };
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      return { ok: false, error: `HTTP ${response.status}`, retry, retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')) };
    } catch (error) {
      const name = (error as Error).name;
      const message =
        name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : stopped ? 'stopped before delivery' : String((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
      return { ok: false, error: message, retry: !stopped, retryAfterMs: null };
    }
  }

  async function deliver(delivery: WebhookDelivery): Promise<void> {
    let attempts = 0;
    for (;;) {
      attempts++;
      const result = await attempt(delivery);
      if (result.ok) {
        count(delivery.kind, 'delivered');
        delivery.onProgress?.({ status: 'delivered', attempts, error: null });
        return;
      }
      if (!result.retry || attempts >= maxAttempts || stopped) {
        count(delivery.kind, 'failed');
        logger.warn({ kind: delivery.kind, url: redactUrl(delivery.url), attempts, error: result.error }, 'webhook delivery failed');
        delivery.onProgress?.({ status: 'failed', attempts, error: result.error });
        return;
      }
      count(delivery.kind, 'retried');
      delivery.onProgress?.({ status: 'pending', attempts, error: result.error });
      const waitMs = Math.min(maxBackoffMs, Math.max(result.retryAfterMs ?? 0, backoffMs * 2 ** (attempts - 1)));
      logger.info({ kind: delivery.kind, url: redactUrl(delivery.url), attempts, error: result.error, waitMs }, 'webhook delivery will be retried');
      await wait(waitMs, stopController.signal);
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const delivery = queue.shift()!;
      inFlight++;
      try {
        await deliver(delivery);
      } catch (error) {
        logger.error({ err: error }, 'webhook delivery crashed');
      } finally {
        inFlight--;
      }
    }
    worker = null;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  return {
    enqueue(delivery) {
      if (stopped || queue.length >= maxQueued) {
        count(delivery.kind, 'dropped');
        logger.warn({ kind: delivery.kind, queued: queue.length }, 'webhook queue full or stopped; delivery dropped');
        delivery.onProgress?.({ status: 'failed', attempts: 0, error: stopped ? 'service stopping' : 'webhook queue full' });
        return false;
      }
      queue.push(delivery);
      worker ??= drain();
      return true;
    },
    get pending() {
      return queue.length + inFlight;
    },
    idle() {
      if (worker === null) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      for (const delivery of queue.splice(0)) {
        count(delivery.kind, 'dropped');
        delivery.onProgress?.({ status: 'failed', attempts: 0, error: 'service stopping' });
      }
      stopController.abort();
      await worker;
    },
  };
}

/** Retry-After as delay-seconds or an HTTP date → ms; null when absent or unreadable. */
export function parseRetryAfterMs(value: string | null, nowMs = Date.now()): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** A URL for logs: the path may hold a secret (Slack hook tokens do), so only origin is kept. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid url)';
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
