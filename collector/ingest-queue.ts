import type { NormalizedSpan } from '../model/span.js';
import type { WriteResult } from '../store/api.js';
import type { Metrics } from '../ops/metrics.js';

/** Why a request's spans were not stored; every one of these is retryable (503/429). */
export class IngestUnavailableError extends Error {
  override readonly name = 'IngestUnavailableError';
  constructor(
    readonly reason: 'overloaded' | 'shutting_down' | 'storage_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface IngestQueueOptions {
  /**
   * Stores a batch in ONE transaction, all or nothing (store/span-writer.ts), either directly
   * or on the writer thread (./write-worker). Throwing or rejecting means nothing was stored.
   */
  writeSpans: (spans: readonly NormalizedSpan[], receivedAtMs: number) => WriteResult | Promise<WriteResult>;
  /** Most spans per transaction; a single larger request still commits alone, whole. */
  batchMaxSpans: number;
  /** Spans waiting to be committed past which new requests are refused (503 + Retry-After). */
  maxQueuedSpans: number;
  /**
   * How long a request that is already decoded may wait for its spans to fit in the queue
   * before it is refused, ms (default 0: refused at once). Without it, every request admitted
   * when room appeared was decoded and then most were thrown away, as only one or two fit: the
   * flood test's refusals (issue 13).
   */
  fitWaitMs?: number;
  metrics?: Metrics;
  /** Called after each commit with the traces that received new spans. Errors are logged, not thrown. */
  onSpansStored?: (traceIds: string[]) => void;
  onError?: (error: unknown, context: string) => void;
  /** Told the outcome of every commit attempt (null = stored, else the error): /healthz reads it. */
  onCommitOutcome?: (error: unknown) => void;
}

interface Pending {
  spans: readonly NormalizedSpan[];
  receivedAtMs: number;
  resolve: () => void;
  reject: (error: IngestUnavailableError) => void;
}

/**
 * Group commit: requests enqueue their (already normalised and redacted) spans and wait; one
 * writer takes as many whole requests as fit in `batchMaxSpans`, commits them in one
 * transaction and then resolves each. A request's spans are never split across transactions,
 * so a request is stored whole or not at all. If a multi-request batch fails, each request is
 * retried alone so one poisonous request cannot fail its neighbours; a request that still
 * fails is rejected with `storage_failed` (the sender gets 503 and retries).
 *
 * While one commit runs (on the writer thread, or synchronously on the event loop for an
 * in-memory database), arriving requests are read, decoded and queued; the next commit takes
 * them together, which is what makes the batches grow under load.
 */
export class IngestQueue {
  private readonly pending: Pending[] = [];
  private queuedSpans = 0;
  private running = false;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private fitWaiters: (() => void)[] = [];

  constructor(private readonly options: IngestQueueOptions) {}

  /** Spans enqueued and not yet committed. */
  get depth(): number {
    return this.queuedSpans;
  }

  /** False once `drain()` was called. */
  isAccepting(): boolean {
    return this.accepting;
  }

  /** Whether a new request would be taken now (used before reading a body). */
  hasRoom(): boolean {
    return this.accepting && this.queuedSpans < this.options.maxQueuedSpans;
  }

  /**
   * Resolves once `spans` are committed; rejects with IngestUnavailableError when the queue is
   * full or closed (nothing stored) or the commit failed (nothing of this request stored).
   */
  async enqueue(spans: readonly NormalizedSpan[], receivedAtMs: number = Date.now()): Promise<void> {
    if (!this.accepting) throw new IngestUnavailableError('shutting_down', 'the server is shutting down; retry later');
    if (spans.length === 0) return;
    if (!this.fits(spans.length) && !(await this.waitToFit(spans.length, this.options.fitWaitMs ?? 0))) {
      if (!this.accepting) throw new IngestUnavailableError('shutting_down', 'the server is shutting down; retry later');
      throw new IngestUnavailableError('overloaded', `ingest queue is full (${this.queuedSpans} spans waiting, collector.maxQueuedSpans); retry later`);
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spans, receivedAtMs, resolve, reject });
      this.queuedSpans += spans.length;
      this.options.metrics?.ingestQueueDepth.set(this.queuedSpans);
      this.schedule();
    });
  }

  /** Whether `count` more spans fit (a request alone in the queue always fits, however large). */
  private fits(count: number): boolean {
    return this.queuedSpans === 0 || this.queuedSpans + count <= this.options.maxQueuedSpans;
  }

  /**
   * Resolves true once `count` spans fit (woken after each commit, before requests that
   * waited for room to be read: these were decoded already), false after `timeoutMs` or when
   * the queue stops accepting.
   */
  private async waitToFit(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.accepting && !this.fits(count)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.fitWaiters = this.fitWaiters.filter((waiter) => waiter !== wake);
          resolve();
        }, left);
        this.fitWaiters.push(wake);
      });
    }
    return this.accepting;
  }

  /**
   * Resolves true as soon as `hasRoom()` (at once if it already does), false after `timeoutMs`
   * or when the queue stops accepting. A refused request's sender retries after a delay; a
   * short wait here instead lets a burst through without a round of retries.
   */
  waitForRoom(timeoutMs: number): Promise<boolean> {
    if (this.hasRoom()) return Promise.resolve(true);
    if (!this.accepting || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(this.hasRoom());
      };
      const timer = setTimeout(() => {
        this.roomWaiters = this.roomWaiters.filter((waiter) => waiter !== wake);
        resolve(this.hasRoom());
      }, timeoutMs);
      this.roomWaiters.push(wake);
    });
  }

  private wakeRoomWaiters(): void {
    // Decoded requests first, in arrival order: each re-checks that it fits when it runs.
    const decoded = this.fitWaiters;
    this.fitWaiters = [];
    for (const wake of decoded) wake();
    if (this.roomWaiters.length === 0 || (this.accepting && !this.hasRoom())) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Stops taking requests and resolves when everything already queued is committed (or failed). */
  drain(): Promise<void> {
    this.accepting = false;
    this.wakeRoomWaiters();
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  /**
   * The one writer loop: yields to the event loop (so arrived requests get read and decoded),
   * then commits everything pending, up to batchMaxSpans per transaction; one commit at a time.
   */
  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.commit(this.takeBatch());
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let size = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (batch.length > 0 && size + next.spans.length > this.options.batchMaxSpans) break;
      batch.push(this.pending.shift()!);
      size += next.spans.length;
    }
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const spans = batch.length === 1 ? batch[0]!.spans : batch.flatMap((item) => item.spans);
    const ok = await this.tryWrite(spans, batch[batch.length - 1]!.receivedAtMs);
    if (ok) {
      for (const item of batch) item.resolve();
    } else if (batch.length === 1) {
      batch[0]!.reject(new IngestUnavailableError('storage_failed', 'storing the spans failed; retry later'));
    } else {
      for (const item of batch) {
        if (await this.tryWrite(item.spans, item.receivedAtMs)) item.resolve();
        else item.reject(new IngestUnavailableError('storage_failed', 'storing the spans failed; retry later'));
      }
    }
    for (const item of batch) this.queuedSpans -= item.spans.length;
    this.options.metrics?.ingestQueueDepth.set(this.queuedSpans);
    this.wakeRoomWaiters();
  }

  private async tryWrite(spans: readonly NormalizedSpan[], receivedAtMs: number): Promise<boolean> {
    const metrics = this.options.metrics;
    const startedAt = performance.now();
    let result: WriteResult;
    try {
      result = await this.options.writeSpans(spans, receivedAtMs);
    } catch (error) {
      this.options.onCommitOutcome?.(error ?? new Error('commit failed'));
      this.options.onError?.(error, 'committing spans failed');
      return false;
    }
    this.options.onCommitOutcome?.(null);
    if (metrics) {
      metrics.ingestCommitSeconds.observe((performance.now() - startedAt) / 1000);
      metrics.spansStored.inc(result.inserted);
      if (result.duplicates > 0) metrics.spansDuplicate.inc(result.duplicates);
    }
    if (this.options.onSpansStored && result.traceIds.length > 0) {
      try {
        this.options.onSpansStored(result.traceIds);
      } catch (error) {
        this.options.onError?.(error, 'onSpansStored callback failed');
      }
    }
    return true;
  }
}
