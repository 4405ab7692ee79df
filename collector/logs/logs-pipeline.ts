import type { LogRecordInput, LogStore, SpanKey, StoredSpanSource } from '../../store/api.js';
import type { NormalizedSpan } from '../../model/span.js';
import type { Attributes, AttributeValue, OtlpSpan } from '../../model/otlp.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Logger } from '../../ops/logger.js';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import { eventNameOf, isGenAiContentEvent, spanEventsAsContent, withGenAiEventContent, type GenAiContentEvent } from '../../model/normalize/genai-events.js';
import { decodeProtobufLogsRequest, type DecodedLogsRequest } from '../decode/logs-protobuf-decoder.js';
import { decodeJsonLogsRequest } from '../decode/logs-json-decoder.js';
import { validateLogRecord } from '../decode/validate-log-record.js';
import type { DecodeLimits } from '../decode/decode-error.js';
import type { SpanLimits } from '../decode/validate-span.js';
import { IngestUnavailableError } from '../ingest-queue.js';
import { describeRejections, type SignalPipeline, type SpanRedaction } from '../export/otlp-export.js';

export interface LogsPipelineOptions {
  logs: LogStore;
  limits: DecodeLimits & SpanLimits;
  metrics: Metrics;
  logger?: Logger;
  /** The span redactor: log records are redacted through it (body and attributes) before storage. */
  redact?: SpanRedaction;
}

export interface LogsPipeline extends SignalPipeline {
  /** Tell after spans of these traces were committed: content events waiting for them join now. */
  onSpansStored(traceIds: readonly string[]): void;
  /** Loads the traces with content events still waiting for their span (after a restart). */
  start(): Promise<void>;
  /** Resolves when every join started so far has finished. */
  idle(): Promise<void>;
}

const BODY_KEY = '\u0000body';

/**
 * OTLP logs: decode → validate each record (partial success) → redact → store → join GenAI
 * content events (model/normalize/genai-events.ts) into their span, whichever arrived first:
 * - log first: the events wait in the store (unjoined); the trace is remembered here, and when
 *   the span's commit is announced (`onSpansStored`) the join runs;
 * - span first: the join runs right after the records are stored.
 * A join re-normalises the stored span with all its content events (and redacts it), so detectors
 * and the web view see the content exactly as if it had been on the span. A 2xx means the
 * records are stored; a join that fails is logged and retried on the next announcement.
 */
export function createLogsPipeline(options: LogsPipelineOptions): LogsPipeline {
  const { logs, limits, metrics, logger } = options;
  /** Traces with content events still waiting for their span. */
  const waiting = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const renormalize = (source: StoredSpanSource, events: GenAiContentEvent[]): NormalizedSpan => {
    const attributes = withGenAiEventContent(source.span.attributes, [...events, ...spanEventsAsContent(source.span.events)]);
    const normalized = normalizeSpan({ ...source.span, attributes, events: [] }, source.resource, source.scope);
    normalized.events = source.span.events;
    return options.redact ? options.redact.derived(normalized) : normalized;
  };

  /** Joins what can be joined for `keys`, then remembers the traces still waiting. Serialised. */
  const join = (keys: readonly SpanKey[]): Promise<void> => {
    if (keys.length === 0) return chain;
    chain = chain.then(async () => {
      try {
        await logs.joinContentEvents(keys, renormalize, Date.now());
        const traceIds = [...new Set(keys.map((key) => key.traceId))];
        const left = new Set((await logs.listUnjoinedContent(traceIds)).map((key) => key.traceId));
        for (const traceId of traceIds) {
          if (left.has(traceId)) waiting.add(traceId);
          else waiting.delete(traceId);
        }
      } catch (error) {
        for (const key of keys) waiting.add(key.traceId);
        logger?.error({ err: error }, 'joining GenAI content events into their spans failed');
      }
    });
    return chain;
  };

  const redactRecord = (body: AttributeValue, attributes: Attributes, resource: Attributes) => {
    if (!options.redact) return { body, attributes, resource };
    const probe = options.redact.otlp({ span: probeSpan({ ...attributes, [BODY_KEY]: body }), resource, scope: { name: '', version: '' } });
    const { [BODY_KEY]: redactedBody, ...rest } = probe.span.attributes;
    return { body: redactedBody ?? null, attributes: rest, resource: probe.resource };
  };

  return {
    async export(body, encoding) {
      const decoded: DecodedLogsRequest =
        encoding === 'protobuf' ? decodeProtobufLogsRequest(body, limits) : decodeJsonLogsRequest(body.length === 0 ? '{}' : body.toString('utf8'), limits);
      const records: LogRecordInput[] = [];
      const rejections = new Map<string, number>();
      let rejected = 0;
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      for (const resourceLogs of decoded.request.resourceLogs) {
        for (const scopeLogs of resourceLogs.scopeLogs) {
          for (const record of scopeLogs.logRecords) {
            const problem = decoded.recordIssues.get(record) ?? validateLogRecord(record, limits);
            if (problem !== null) {
              rejected++;
              rejections.set(problem.message, (rejections.get(problem.message) ?? 0) + 1);
              continue;
            }
            const eventName = eventNameOf(record.eventName, record.attributes);
            const redacted = redactRecord(record.body, record.attributes, resourceLogs.resource);
            records.push({
              traceId: record.traceId,
              spanId: record.spanId,
              timeNs: record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano !== 0n ? record.observedTimeUnixNano : nowNs,
              severityNumber: record.severityNumber,
              severityText: record.severityText,
              eventName,
              body: redacted.body,
              attributes: redacted.attributes,
              resource: redacted.resource,
              scopeName: scopeLogs.scope.name,
              genAiContent: isGenAiContentEvent(eventName) && record.spanId !== '',
            });
          }
        }
      }
      try {
        await logs.writeLogRecords(records, Date.now());
      } catch (error) {
        logger?.error({ err: error }, 'storing log records failed');
        throw new IngestUnavailableError('storage_failed', 'storing the log records failed; retry later');
      }
      const keys = new Map<string, SpanKey>();
      for (const record of records) if (record.genAiContent) keys.set(`${record.traceId}/${record.spanId}`, { traceId: record.traceId, spanId: record.spanId });
      await join([...keys.values()]);
      return { received: decoded.recordCount, rejected, message: rejected === 0 ? '' : describeRejections(rejected, decoded.recordCount, 'log records', rejections) };
    },
    onSpansStored(traceIds) {
      if (waiting.size === 0) return;
      const ready = traceIds.filter((traceId) => waiting.has(traceId));
      if (ready.length === 0) return;
      chain = chain.then(async () => {
        try {
          const keys = await logs.listUnjoinedContent(ready);
          void join(keys);
        } catch (error) {
          logger?.error({ err: error }, 'reading waiting GenAI content events failed');
        }
      });
    },
    async start() {
      for (const key of await logs.listUnjoinedContent()) waiting.add(key.traceId);
    },
    idle: () => chain,
  };
}

/** An OTLP span carrying a log record's body and attributes, to redact them with the span rules. */
function probeSpan(attributes: Attributes): OtlpSpan {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
}
