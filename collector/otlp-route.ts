import type { Hono } from 'hono';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/database.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import { createSpanWriter } from '../store/span-writer.js';
import type { TraceWriter } from '../store/api.js';
import { IngestQueue } from './ingest-queue.js';
import { createWorkerSpanWriter } from '../store/sqlite/writer-thread/worker-span-writer.js';
import { createOtlpExport, type OtlpExport, type SpanRedaction } from './export/otlp-export.js';
import { createOtlpHttpHandler } from './http/otlp-http-handler.js';
import { BodyReader } from './read-body.js';

export interface OtlpRouteOptions {
  db: Db;
  config: Pick<Config, 'collector' | 'storage'>;
  metrics: Metrics;
  logger?: Logger;
  /** Applied to every span before it is normalised (its derived fields after): nothing unredacted is ever stored. */
  redact?: SpanRedaction;
  /** Commits spans through this backend writer (store/api.ts) instead of SQLite's own (storage.backend clickhouse). */
  traceWriter?: TraceWriter;
}

export interface OtlpIngest {
  /** The transport-neutral ingest core, for the other transports (gRPC). */
  core: OtlpExport;
  /** Stop taking spans (new requests get 503) and finish every queued commit. */
  drain(): Promise<void>;
  /** Spans decoded and waiting to be committed. */
  queueDepth(): number;
  /**
   * True while a commit is on the writer thread, which may be waiting for the write lock; other
   * writers on the main connection (the analyser) should let it through. Always false when
   * commits run on the event loop: they cannot overlap anything else there.
   */
  commitPending(): boolean;
  /** Resolves once ingest can commit (the writer thread, when used, has opened the database). */
  whenReady(): Promise<void>;
}

/**
 * Builds the ingest core (queue, writer, `Export`) and serves it over OTLP/HTTP at
 * `{collector.path}` (default /v1/traces). What each answer means is the core's contract
 * (./export/otlp-export.ts, ./export/export-failure.ts) rendered by the HTTP adapter
 * (./http/otlp-http-handler.ts): a 2xx only after the request's spans are committed; the whole
 * request refused (405, 415, 400 undecodable, 408 body too slow, 413 over-large, 503 +
 * Retry-After when full, shutting down or storage failed); single spans rejected in partial
 * success (200). Overload: with the queue full a request waits up to `collector.queueWaitMs`
 * for room; past `collector.maxInflightBytes` of body bytes actually held at once, 503 too;
 * past one client's `maxInflightBytesPerClient`, 429 (collector/read-body.ts, sec's).
 */
export function registerOtlpRoutes(app: Hono, options: OtlpRouteOptions): OtlpIngest {
  const { collector, storage } = options.config;
  const { metrics, logger } = options;
  // storage.writerThread: commits on their own thread (file databases only). On by default:
  // the main thread serialises rows once (it would anyway) and clones flat tuples (~2 µs/span);
  // measured +20–40% spans/s and half the event-loop delay (bench/ingest.bench.ts).
  const backendWriter = options.traceWriter;
  const workerWriter =
    backendWriter !== undefined || storage.path === ':memory:' || !storage.writerThread
      ? null
      : createWorkerSpanWriter({ path: storage.path, synchronous: storage.synchronous, cacheSizeMb: storage.cacheSizeMb });
  const writeSpans = backendWriter
    ? (spans: Parameters<TraceWriter['writeSpans']>[0], receivedAtMs: number) => backendWriter.writeSpans(spans, receivedAtMs)
    : workerWriter
      ? workerWriter.write
      : createSpanWriter(options.db);
  const queue = new IngestQueue({
    writeSpans,
    batchMaxSpans: storage.batchMaxSpans,
    maxQueuedSpans: collector.maxQueuedSpans,
    metrics,
    onError: (error, context) => logger?.error({ err: error }, context),
  });
  const core = createOtlpExport({
    queue,
    limits: {
      maxNestingDepth: collector.maxNestingDepth,
      maxAttributeCount: collector.maxAttributeCount,
      maxAttributeValueBytes: collector.maxAttributeValueBytes,
    },
    bodies: new BodyReader({
      maxBodyBytes: collector.maxBodyBytes,
      maxInflightBytes: collector.maxInflightBytes,
      maxInflightBytesPerClient: collector.maxInflightBytesPerClient,
      maxConcurrentInflations: collector.maxConcurrentInflations,
      bodyReadTimeoutMs: collector.bodyReadTimeout,
    }),
    queueWaitMs: collector.queueWaitMs,
    maxQueuedSpans: collector.maxQueuedSpans,
    retryAfterSeconds: collector.retryAfterSeconds,
    metrics,
    logger,
    redact: options.redact,
  });
  app.all(collector.path, createOtlpHttpHandler({ core, signal: 'traces', metrics, logger }));

  return {
    core,
    drain: async () => {
      await queue.drain();
      await workerWriter?.close();
    },
    queueDepth: () => queue.depth,
    commitPending: () => backendWriter?.writePending() ?? workerWriter?.pending() ?? false,
    whenReady: async () => {
      await backendWriter?.whenReady();
      await workerWriter?.whenReady();
    },
  };
}
