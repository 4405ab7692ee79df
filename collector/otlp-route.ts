import type { Context, Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/database.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import type { NormalizedSpan } from '../model/span.js';
import type { Attributes, OtlpScope, OtlpSpan } from '../model/otlp.js';
import { normalizeSpan } from '../model/normalize/normalize-span.js';
import { createSpanWriter } from '../store/span-writer.js';
import { decodeProtobufTraceRequest, type DecodedTraceRequest } from './decode/protobuf-decoder.js';
import { decodeJsonTraceRequest } from './decode/json-decoder.js';
import { OtlpDecodeError } from './decode/decode-error.js';
import { validateSpan } from './decode/validate-span.js';
import { BodyError, BodyReader } from './read-body.js';
import { CONTENT_TYPES, encodeExportResponse, encodeStatus, GRPC_CODES, type OtlpEncoding } from './encode-response.js';
import { IngestQueue, IngestUnavailableError } from './ingest-queue.js';
import { createWorkerSpanWriter } from '../store/sqlite/writer-thread/worker-span-writer.js';
import { ClientInflightBytesExceededError, InflightBytesExceededError, type InflightLease } from './inflight-bytes.js';

export interface OtlpRouteOptions {
  db: Db;
  config: Pick<Config, 'collector' | 'storage'>;
  metrics: Metrics;
  logger?: Logger;
  /** Applied to every span before it is normalised (and its derived fields after): nothing unredacted is ever stored. */
  redact?: SpanRedaction;
}

/** What ingest needs of the redactor (security/redactor.ts implements it; wired in cli/service.ts). */
export interface SpanRedaction {
  /** Before normalisation: the decoded span, resource and scope with every secret replaced. */
  otlp(input: { span: OtlpSpan; resource: Attributes; scope: OtlpScope }): { span: OtlpSpan; resource: Attributes; scope: OtlpScope };
  /** After normalisation: the derived fields (decoded forms included) redacted. */
  derived(span: NormalizedSpan): NormalizedSpan;
}

export interface OtlpIngest {
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

const UNSUPPORTED_MEDIA_TYPE = '415 unsupported media type, supported: [application/json, application/x-protobuf]';

/**
 * `POST {collector.path}` (default /v1/traces): OTLP/HTTP trace ingest as the specification
 * says (OTLP.md §1, §6). Pipeline per request: media type → queue room → read body (limit) →
 * decompress (limit) → decode → validate each span → normalise → redact → group commit →
 * respond. A 2xx is sent only after the request's spans are committed.
 *
 * What refuses the whole request (nothing stored): wrong method (405), media type (415),
 * unsupported Content-Encoding, corrupt compression or an undecodable body (400), a body over
 * `collector.maxBodyBytes` as sent or after decompression (413), a full queue, shutdown or a
 * storage failure (503 + Retry-After, retryable). Overload: with the queue full, a request
 * waits up to `collector.queueWaitMs` for room before its 503; past `collector.maxInflightBytes`
 * of body bytes actually held at once, 503 too; past one client's `maxInflightBytesPerClient`,
 * 429; a body not received within `collector.bodyReadTimeout`, 408 (collector/read-body.ts); Retry-After is spread over [retryAfterSeconds,
 * 2 × retryAfterSeconds] so refused senders do not all come back in the same second.
 * What rejects one span (partial success,
 * 200): bad ids, too many attributes, an over-long value, nesting too deep.
 */
export function registerOtlpRoutes(app: Hono, options: OtlpRouteOptions): OtlpIngest {
  const { collector, storage } = options.config;
  const { metrics, logger } = options;
  // storage.writerThread: commits on their own thread (file databases only). On by default:
  // the main thread serialises rows once (it would anyway) and clones flat tuples (~2 µs/span);
  // measured +20–40% spans/s and half the event-loop delay (bench/ingest.bench.ts).
  const workerWriter =
    storage.path === ':memory:' || !storage.writerThread
      ? null
      : createWorkerSpanWriter({ path: storage.path, synchronous: storage.synchronous, cacheSizeMb: storage.cacheSizeMb });
  const writeSpans = workerWriter ? workerWriter.write : createSpanWriter(options.db);
  const queue = new IngestQueue({
    writeSpans,
    batchMaxSpans: storage.batchMaxSpans,
    maxQueuedSpans: collector.maxQueuedSpans,
    metrics,
    onError: (error, context) => logger?.error({ err: error }, context),
  });
  const limits = {
    maxNestingDepth: collector.maxNestingDepth,
    maxAttributeCount: collector.maxAttributeCount,
    maxAttributeValueBytes: collector.maxAttributeValueBytes,
  };
  const bodies = new BodyReader({
    maxBodyBytes: collector.maxBodyBytes,
    maxInflightBytes: collector.maxInflightBytes,
    maxInflightBytesPerClient: collector.maxInflightBytesPerClient,
    maxConcurrentInflations: collector.maxConcurrentInflations,
    bodyReadTimeoutMs: collector.bodyReadTimeout,
  });
  // Spread: a herd of refused exporters returning in the same second is refused again together.
  const retryAfter = () => String(collector.retryAfterSeconds + Math.floor(Math.random() * (collector.retryAfterSeconds + 1)));

  const refuse = (c: Context, encoding: OtlpEncoding, status: 400 | 408 | 413 | 429 | 500 | 503, reason: string, message: string) => {
    metrics.requestsRejected.inc({ reason });
    const code =
      status === 503 ? GRPC_CODES.unavailable
      : status === 429 || status === 413 ? GRPC_CODES.resourceExhausted
      : status === 500 ? GRPC_CODES.internal
      : GRPC_CODES.invalidArgument;
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[encoding] };
    if (status === 503 || status === 429) headers['Retry-After'] = retryAfter();
    if (status === 413 || status === 408) headers.Connection = 'close';
    return c.body(encodeStatus(encoding, code, message), status, headers);
  };

  app.all(collector.path, async (c) => {
    if (c.req.method !== 'POST') {
      metrics.requestsRejected.inc({ reason: 'method_not_allowed' });
      return c.body('405 method not allowed, supported: [POST]', 405, { 'Content-Type': 'text/plain', Allow: 'POST' });
    }
    const encoding = mediaTypeEncoding(c.req.header('content-type'));
    if (encoding === null) {
      metrics.requestsRejected.inc({ reason: 'unsupported_media_type' });
      return c.body(UNSUPPORTED_MEDIA_TYPE, 415, { 'Content-Type': 'text/plain' });
    }
    if (!queue.hasRoom() && !(await queue.waitForRoom(collector.queueWaitMs))) {
      const shuttingDown = !queue.isAccepting();
      return refuse(
        c,
        encoding,
        503,
        shuttingDown ? 'shutting_down' : 'overloaded',
        shuttingDown ? 'the server is shutting down; retry later' : `ingest queue is full (collector.maxQueuedSpans = ${collector.maxQueuedSpans}); retry later`,
      );
    }

    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const client = incoming?.socket.remoteAddress ?? '';
    const lease = bodies.lease(client);
    try {
      return await handle(c, encoding, incoming, client, lease);
    } finally {
      lease.release();
    }
  });

  /** The request once admitted: its body bytes count against collector.maxInflightBytes until it is answered. */
  const handle = async (c: Context, encoding: OtlpEncoding, incoming: IncomingMessage | undefined, client: string, lease: InflightLease) => {
    let decoded: DecodedTraceRequest;
    try {
      const source: AsyncIterable<Uint8Array> = incoming ?? (c.req.raw.body as AsyncIterable<Uint8Array> | null) ?? emptyBody();
      const body = await bodies.read({ body: source, contentLength: c.req.header('content-length'), contentEncoding: c.req.header('content-encoding') }, lease, client);
      decoded =
        encoding === 'protobuf'
          ? decodeProtobufTraceRequest(body, limits)
          : decodeJsonTraceRequest(body.length === 0 ? '{}' : body.toString('utf8'), limits);
    } catch (error) {
      if (error instanceof InflightBytesExceededError) return refuse(c, encoding, 503, 'inflight_bytes', error.message);
      if (error instanceof ClientInflightBytesExceededError) return refuse(c, encoding, 429, 'client_inflight_bytes', error.message);
      if (error instanceof BodyError) return refuse(c, encoding, error.status, error.reason, error.message);
      if (error instanceof OtlpDecodeError) return refuse(c, encoding, 400, 'undecodable', error.message);
      logger?.warn({ err: error }, 'reading an OTLP request failed');
      return refuse(c, encoding, 400, 'unreadable', `the request body could not be read: ${(error as Error).message}`);
    }
    metrics.spansReceived.inc({ encoding }, decoded.spanCount);

    const spans: NormalizedSpan[] = [];
    const rejections = new Map<string, number>();
    let rejected = 0;
    try {
      for (const resourceSpans of decoded.request.resourceSpans) {
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) {
            const problem = decoded.spanIssues.get(span) ?? validateSpan(span, limits);
            if (problem !== null) {
              rejected++;
              metrics.spansRejected.inc({ reason: problem.reason });
              rejections.set(problem.message, (rejections.get(problem.message) ?? 0) + 1);
              continue;
            }
            // Redact first: everything normalisation derives (run, baseline and page keys) comes from redacted text.
            const redact = options.redact;
            const input = redact ? redact.otlp({ span, resource: resourceSpans.resource, scope: scopeSpans.scope }) : { span, resource: resourceSpans.resource, scope: scopeSpans.scope };
            const normalized = normalizeSpan(input.span, input.resource, input.scope);
            spans.push(redact ? redact.derived(normalized) : normalized);
          }
        }
      }
    } catch (error) {
      logger?.error({ err: error }, 'normalising or redacting spans failed');
      return refuse(c, encoding, 500, 'internal', 'the server failed to process the spans (normalisation or redaction); nothing was stored');
    }

    try {
      await queue.enqueue(spans);
    } catch (error) {
      if (error instanceof IngestUnavailableError) return refuse(c, encoding, 503, error.reason, error.message);
      throw error;
    }
    const message = rejected === 0 ? '' : describeRejections(rejected, decoded.spanCount, rejections);
    return c.body(encodeExportResponse(encoding, rejected, message), 200, { 'Content-Type': CONTENT_TYPES[encoding] });
  };

  return {
    drain: async () => {
      await queue.drain();
      await workerWriter?.close();
    },
    queueDepth: () => queue.depth,
    commitPending: () => workerWriter?.pending() ?? false,
    whenReady: async () => {
      await workerWriter?.whenReady();
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/** `application/x-protobuf` / `application/json`, parameters ignored (like mime.ParseMediaType). */
export function mediaTypeEncoding(header: string | undefined): OtlpEncoding | null {
  if (header === undefined) return null;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

function describeRejections(rejected: number, total: number, byMessage: Map<string, number>): string {
  const parts = [...byMessage].map(([message, count]) => `${count} × ${message}`);
  return `rejected ${rejected} of ${total} spans: ${parts.join('; ')}`;
}
