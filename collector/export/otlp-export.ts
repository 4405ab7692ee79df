import type { Attributes, OtlpScope, OtlpSpan } from '../../model/otlp.js';
import type { NormalizedSpan } from '../../model/span.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Logger } from '../../ops/logger.js';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import { decodeProtobufTraceRequest, type DecodedTraceRequest } from '../decode/protobuf-decoder.js';
import { decodeJsonTraceRequest } from '../decode/json-decoder.js';
import { validateSpan, type SpanLimits } from '../decode/validate-span.js';
import type { DecodeLimits } from '../decode/decode-error.js';
import type { OtlpEncoding } from '../encode-response.js';
import type { IngestQueue } from '../ingest-queue.js';
import type { InflightLease } from '../inflight-bytes.js';
import type { BodyReader } from '../read-body.js';
import { classifyExportError, unavailable, type ExportFailure } from './export-failure.js';

/** The OTLP signals tracehound takes. */
export type OtlpSignal = 'traces' | 'logs';

/** One export call, whatever the transport: the whole (decompressed) message and its encoding. */
export interface ExportRequest {
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Buffer;
}

/**
 * What an export did. `ok`: every accepted item is durably stored; `rejected` items (bad ids,
 * over-large attributes…) were dropped alone and `message` says why (partial success; the
 * sender must not retry). Otherwise nothing of the request was stored.
 */
export type ExportResult = { ok: true; rejected: number; message: string } | { ok: false; failure: ExportFailure };

/** An admitted request: its bytes count against collector.maxInflightBytes until `release`. */
export type Admission = { ok: true; lease: InflightLease } | { ok: false; failure: ExportFailure };

/** How one signal turns a decoded body into stored items (traces: spans; logs: log records). */
export interface SignalPipeline {
  /**
   * Decodes, validates, normalises, redacts and stores `body`; resolves once stored. Throws
   * OtlpDecodeError (permanent), IngestUnavailableError (retryable) or anything else (internal).
   */
  export(body: Buffer, encoding: OtlpEncoding): Promise<{ received: number; rejected: number; message: string }>;
}

/** What ingest needs of the redactor (security/redactor.ts implements it; wired in cli/service.ts). */
export interface SpanRedaction {
  /** Before normalisation: the decoded span, resource and scope with every secret replaced. */
  otlp(input: { span: OtlpSpan; resource: Attributes; scope: OtlpScope }): { span: OtlpSpan; resource: Attributes; scope: OtlpScope };
  /** After normalisation: the derived fields (decoded forms included) redacted. */
  derived(span: NormalizedSpan): NormalizedSpan;
}

export interface OtlpExportOptions {
  queue: IngestQueue;
  limits: DecodeLimits & SpanLimits;
  /** sec's body reader: its in-flight budget (whole and per client) leases every admitted request. */
  bodies: BodyReader;
  queueWaitMs: number;
  maxQueuedSpans: number;
  retryAfterSeconds: number;
  metrics: Metrics;
  logger?: Logger;
  /** Applied to every span before it is normalised (its derived fields after): nothing unredacted is ever stored. */
  redact?: SpanRedaction;
  /** Other signals' pipelines (logs), added by their owners. */
  pipelines?: Partial<Record<OtlpSignal, SignalPipeline>>;
}

/**
 * The transport-neutral ingest core, after the Collector's `internal/trace/otlp.go`: HTTP and
 * gRPC read a request their own way, then call `admit` (queue room, then an in-flight bytes
 * lease) and `export` (decode → validate each item → normalise → redact → group commit), and
 * only render the result. Every failure is classified once, in `classifyExportError`.
 */
export interface OtlpExport {
  /**
   * Waits up to collector.queueWaitMs for room in the ingest queue, then leases in-flight bytes
   * for `client` (its address). Refusals are retryable (UNAVAILABLE / 503 with a Retry-After).
   * The lease must be released once the request is answered.
   */
  admit(client: string): Promise<Admission>;
  /** The shared body reader (limits, in-flight budget, inflation slots) for transports that read bodies. */
  bodies: BodyReader;
  export(request: ExportRequest): Promise<ExportResult>;
  /** Maps any error met while reading a request (body limits, compression…) to a failure. */
  classify(error: unknown): ExportFailure;
}

export function createOtlpExport(options: OtlpExportOptions): OtlpExport {
  const { queue, limits, metrics, logger } = options;
  const classify = (error: unknown) => classifyExportError(error, options.retryAfterSeconds);

  const traces: SignalPipeline = {
    async export(body, encoding) {
      const decoded: DecodedTraceRequest =
        encoding === 'protobuf' ? decodeProtobufTraceRequest(body, limits) : decodeJsonTraceRequest(body.length === 0 ? '{}' : body.toString('utf8'), limits);
      metrics.spansReceived.inc({ encoding }, decoded.spanCount);
      const spans: NormalizedSpan[] = [];
      const rejections = new Map<string, number>();
      let rejected = 0;
      let sliceStarted = performance.now();
      for (const resourceSpans of decoded.request.resourceSpans) {
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) {
            // A large request is validated, redacted and normalised in slices of a few ms, so
            // /healthz and other requests are served in between (issue 15 F11).
            if (performance.now() - sliceStarted > YIELD_AFTER_MS) {
              await new Promise((resolve) => setImmediate(resolve));
              sliceStarted = performance.now();
            }
            const problem = decoded.spanIssues.get(span) ?? validateSpan(span, limits);
            if (problem !== null) {
              rejected++;
              metrics.spansRejected.inc({ reason: problem.reason });
              rejections.set(problem.message, (rejections.get(problem.message) ?? 0) + 1);
              continue;
            }
            recordDroppedCounts(span);
            // Redact first: everything normalisation derives (run, baseline and page keys) comes from redacted text.
            const redact = options.redact;
            const raw = { span, resource: resourceSpans.resource, scope: scopeSpans.scope };
            const input = redact ? redact.otlp(raw) : raw;
            const normalized = normalizeSpan(input.span, input.resource, input.scope);
            spans.push(redact ? redact.derived(normalized) : normalized);
          }
        }
      }
      await queue.enqueue(spans);
      return { received: decoded.spanCount, rejected, message: rejected === 0 ? '' : describeRejections(rejected, decoded.spanCount, 'spans', rejections) };
    },
  };
  const pipelines: Partial<Record<OtlpSignal, SignalPipeline>> = { traces, ...options.pipelines };

  return {
    classify,
    bodies: options.bodies,
    async admit(client) {
      if (!queue.hasRoom() && !(await queue.waitForRoom(options.queueWaitMs))) {
        const shuttingDown = !queue.isAccepting();
        return {
          ok: false,
          failure: unavailable(
            shuttingDown ? 'shutting_down' : 'overloaded',
            shuttingDown ? 'the server is shutting down; retry later' : `ingest queue is full (collector.maxQueuedSpans = ${options.maxQueuedSpans}); retry later`,
            options.retryAfterSeconds,
          ),
        };
      }
      return { ok: true, lease: options.bodies.lease(client) };
    },
    async export(request) {
      const pipeline = pipelines[request.signal];
      if (pipeline === undefined) return { ok: false, failure: classify(new Error(`no pipeline for ${request.signal}`)) };
      try {
        const { rejected, message } = await pipeline.export(request.body, request.encoding);
        return { ok: true, rejected, message };
      } catch (error) {
        const failure = classify(error);
        if (failure.code === 13) logger?.error({ err: error, signal: request.signal }, 'processing an OTLP export failed');
        return { ok: false, failure };
      }
    },
  };
}

/** Longest stretch of per-span work before yielding to the event loop, in ms. */
const YIELD_AFTER_MS = 10;

/** Span attribute names that record what ingest dropped of a span (collector.maxEventsPerSpan / maxLinksPerSpan). */
export const DROPPED_EVENTS_ATTRIBUTE = 'tracehound.dropped_events_count';
export const DROPPED_LINKS_ATTRIBUTE = 'tracehound.dropped_links_count';

/** Records the decoder's dropped counts on the span as attributes, stored and shown like any other. */
function recordDroppedCounts(span: OtlpSpan): void {
  if (span.droppedEventsCount) span.attributes[DROPPED_EVENTS_ATTRIBUTE] = span.droppedEventsCount;
  if (span.droppedLinksCount) span.attributes[DROPPED_LINKS_ATTRIBUTE] = span.droppedLinksCount;
}

/** `rejected 2 of 5 spans: 1 × trace id must be…; 1 × …` (the partial-success error_message). */
export function describeRejections(rejected: number, total: number, noun: string, byMessage: Map<string, number>): string {
  const parts = [...byMessage].map(([message, count]) => `${count} × ${message}`);
  return `rejected ${rejected} of ${total} ${noun}: ${parts.join('; ')}`;
}
