import type { Hono } from 'hono';
import type { Config } from '../config/schema.js';
import type { TraceWriter } from '../store/api.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import { IngestQueue } from './ingest-queue.js';
import { createOtlpExport, type OtlpExport, type SpanRedaction } from './export/otlp-export.js';
import { createOtlpHttpHandler } from './http/otlp-http-handler.js';
import { BodyReader } from './read-body.js';
import { createLogsPipeline } from './logs/logs-pipeline.js';
import type { LogStore } from '../store/api.js';

export interface OtlpRouteOptions {
  /** Where spans are committed (store/api.ts): a 2xx is sent only once its promise resolves. */
  traces: TraceWriter;
  config: Pick<Config, 'collector' | 'storage'>;
  metrics: Metrics;
  logger?: Logger;
  /** Applied to every span before it is normalised (its derived fields after): nothing unredacted is ever stored. */
  redact?: SpanRedaction;
  /** Told the outcome of every commit attempt (null = stored, else the error); see IngestQueueOptions. */
  onCommitOutcome?: (error: unknown) => void;
  /** Where log records go (POST {collector.logsPath}, gRPC LogsService), GenAI content events joined to their spans. */
  logs: LogStore;
}

export interface OtlpIngest {
  /** The transport-neutral ingest core, for the other transports (gRPC). */
  core: OtlpExport;
  /** Stop taking spans (new requests get 503) and finish every queued commit. */
  drain(): Promise<void>;
  /** Spans decoded and waiting to be committed. */
  queueDepth(): number;
  /**
   * True while a commit may be waiting for a lock other writers in this process hold
   * (TraceWriter.writePending); the analyser lets it through first.
   */
  commitPending(): boolean;
  /** Resolves once ingest can commit (TraceWriter.whenReady). */
  whenReady(): Promise<void>;
  /** Resolves when the GenAI content joins started so far have finished (tests, shutdown). */
  logsIdle(): Promise<void>;
}

/**
 * Builds the ingest core (queue, writer, `Export`) and serves it over OTLP/HTTP at
 * `{collector.path}` (default /v1/traces) and `{collector.logsPath}` (default /v1/logs). What each answer means is the core's contract
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
  const { traces } = options;
  const limits = {
    maxNestingDepth: collector.maxNestingDepth,
    maxAttributeCount: collector.maxAttributeCount,
    maxAttributeValueBytes: collector.maxAttributeValueBytes,
    maxEventsPerSpan: collector.maxEventsPerSpan,
    maxLinksPerSpan: collector.maxLinksPerSpan,
  };
  const logs = createLogsPipeline({ logs: options.logs, limits, metrics, logger, redact: options.redact });
  const queue = new IngestQueue({
    writeSpans: (spans, receivedAtMs) => traces.writeSpans(spans, receivedAtMs),
    batchMaxSpans: storage.batchMaxSpans,
    maxQueuedSpans: collector.maxQueuedSpans,
    fitWaitMs: collector.queueWaitMs,
    metrics,
    onSpansStored: (traceIds) => logs.onSpansStored(traceIds),
    onError: (error, context) => logger?.error({ err: error }, context),
    onCommitOutcome: options.onCommitOutcome,
  });
  const core = createOtlpExport({
    queue,
    limits,
    pipelines: { logs },
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
  app.all(collector.logsPath, createOtlpHttpHandler({ core, signal: 'logs', metrics, logger }));

  return {
    core,
    drain: async () => {
      await queue.drain();
      await logs.idle();
    },
    queueDepth: () => queue.depth,
    commitPending: () => traces.writePending(),
    whenReady: async () => {
      await Promise.all([traces.whenReady(), logs.start()]);
    },
    logsIdle: () => logs.idle(),
  };
}
