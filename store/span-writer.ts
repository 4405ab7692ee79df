import type { Db } from './database.js';
import type { NormalizedSpan } from '../model/span.js';
import { fnv1a64 } from '../model/hash.js';

export interface WriteResult {
  /** Spans stored by this call. */
  inserted: number;
  /** Spans already stored (an exporter's retry): ignored, not counted twice anywhere. */
  duplicates: number;
  /** Traces that received new spans (and are therefore pending analysis again). */
  traceIds: string[];
}

/** What one batch adds to one run; only newly inserted spans contribute. */
interface RunDelta {
  traceId: string;
  service: string;
  agent: string | null;
  sessionId: string | null;
  name: string;
  earliestStartNs: bigint;
  rootSpanId: string | null;
  rootDurationMs: number | null;
  rootStatus: string;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  llmCallCount: number;
  toolCallCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Prepares the statements once and returns `writeSpans`, which stores a batch in ONE
 * transaction: the spans (idempotent on trace id + span id), their resources, and the running
 * totals of each run. When it returns, the batch is committed (durable per the database's
 * `synchronous` setting); when it throws, nothing of the batch is stored.
 */
export function createSpanWriter(db: Db): (spans: readonly NormalizedSpan[], receivedAtMs: number) => WriteResult {
  const insertResource = db.prepare('INSERT OR IGNORE INTO resources (hash, attributes) VALUES (?, ?)');
  const insertSpan = db.prepare(`
    INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, otel_kind, start_ns, end_ns,
      duration_ms, status, status_message, service, agent, session_id, operation, llm, tool,
      attributes, events, resource_hash, scope_name, received_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trace_id, span_id) DO NOTHING`);
  const upsertRun = db.prepare(`
    INSERT INTO runs (trace_id, service, agent, session_id, name, root_span_id, start_ns, end_ns,
      root_duration_ms, span_count, llm_call_count, tool_call_count, error_count, status,
      input_tokens, output_tokens, last_received_ms, analyzed)
    VALUES (@traceId, @service, @agent, @sessionId, @name, @rootSpanId, @startNs, @endNs,
      @rootDurationMs, @spanCount, @llmCallCount, @toolCallCount, @errorCount, @rootStatus,
      @inputTokens, @outputTokens, @receivedAtMs, 0)
    ON CONFLICT (trace_id) DO UPDATE SET
      service = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.service ELSE runs.service END,
      name = CASE
        WHEN excluded.root_span_id IS NOT NULL THEN excluded.name
        WHEN runs.root_span_id IS NULL AND excluded.start_ns < runs.start_ns THEN excluded.name
        ELSE runs.name END,
      agent = COALESCE(runs.agent, excluded.agent),
      session_id = COALESCE(runs.session_id, excluded.session_id),
      root_span_id = COALESCE(excluded.root_span_id, runs.root_span_id),
      root_duration_ms = COALESCE(excluded.root_duration_ms, runs.root_duration_ms),
      status = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.status ELSE runs.status END,
      start_ns = MIN(runs.start_ns, excluded.start_ns),
      end_ns = MAX(runs.end_ns, excluded.end_ns),
      span_count = runs.span_count + excluded.span_count,
      llm_call_count = runs.llm_call_count + excluded.llm_call_count,
      tool_call_count = runs.tool_call_count + excluded.tool_call_count,
      error_count = runs.error_count + excluded.error_count,
      input_tokens = runs.input_tokens + excluded.input_tokens,
      output_tokens = runs.output_tokens + excluded.output_tokens,
      last_received_ms = excluded.last_received_ms,
      analyzed = 0`);

  const writeBatch = db.transaction((spans: readonly NormalizedSpan[], receivedAtMs: number): WriteResult => {
    const resourceHashes = new Map<object, string>();
    const deltas = new Map<string, RunDelta>();
    let inserted = 0;
    for (const span of spans) {
      let resourceHash = resourceHashes.get(span.resource);
      if (resourceHash === undefined) {
        const json = JSON.stringify(span.resource);
        resourceHash = fnv1a64(json);
        insertResource.run(resourceHash, json);
        resourceHashes.set(span.resource, resourceHash);
      }
      const info = insertSpan.run(
        span.traceId,
        span.spanId,
        span.parentSpanId,
        span.name,
        span.kind,
        span.otelKind,
        span.startTimeUnixNano,
        span.endTimeUnixNano,
        span.durationMs,
        span.status,
        span.statusMessage,
        span.service,
        span.agent,
        span.sessionId,
        span.operation,
        span.llm === null ? null : JSON.stringify(span.llm),
        span.tool === null ? null : JSON.stringify(span.tool),
        JSON.stringify(span.attributes),
        serializeEvents(span),
        resourceHash,
        span.scopeName,
        receivedAtMs,
      );
      if (info.changes === 0) continue;
      inserted++;
      addToDelta(deltas, span);
    }
    for (const delta of deltas.values()) {
      upsertRun.run({
        ...delta,
        startNs: delta.startNs,
        endNs: delta.endNs,
        receivedAtMs,
      });
    }
    return { inserted, duplicates: spans.length - inserted, traceIds: [...deltas.keys()] };
  });

  return (spans, receivedAtMs) => writeBatch(spans, receivedAtMs);
}

function serializeEvents(span: NormalizedSpan): string {
  if (span.events.length === 0) return '[]';
  return JSON.stringify(
    span.events.map((event) => ({
      name: event.name,
      timeUnixNano: event.timeUnixNano.toString(),
      attributes: event.attributes,
    })),
  );
}

function addToDelta(deltas: Map<string, RunDelta>, span: NormalizedSpan): void {
  let delta = deltas.get(span.traceId);
  if (delta === undefined) {
    delta = {
      traceId: span.traceId,
      service: span.service,
      agent: null,
      sessionId: null,
      name: span.name,
      earliestStartNs: span.startTimeUnixNano,
      rootSpanId: null,
      rootDurationMs: null,
      rootStatus: 'unset',
      startNs: span.startTimeUnixNano,
      endNs: span.endTimeUnixNano,
      spanCount: 0,
      llmCallCount: 0,
      toolCallCount: 0,
      errorCount: 0,
      inputTokens: 0,
      outputTokens: 0,
    };
    deltas.set(span.traceId, delta);
  }
  delta.spanCount++;
  if (span.startTimeUnixNano < delta.startNs) delta.startNs = span.startTimeUnixNano;
  if (span.endTimeUnixNano > delta.endNs) delta.endNs = span.endTimeUnixNano;
  if (span.status === 'error') delta.errorCount++;
  if (span.kind === 'tool') delta.toolCallCount++;
  if (span.kind === 'llm') {
    delta.llmCallCount++;
    delta.inputTokens += span.llm?.inputTokens ?? 0;
    delta.outputTokens += span.llm?.outputTokens ?? 0;
  }
  // The agent of the outermost agent span wins; otherwise any span's agent.
  if (span.agent !== null && (delta.agent === null || (span.kind === 'agent' && span.parentSpanId === null))) {
    delta.agent = span.agent;
  }
  delta.sessionId ??= span.sessionId;
  if (span.parentSpanId === null) {
    delta.rootSpanId = span.spanId;
    delta.rootDurationMs = span.durationMs;
    delta.rootStatus = span.status;
    delta.name = span.name;
    delta.service = span.service;
  } else if (delta.rootSpanId === null && span.startTimeUnixNano < delta.earliestStartNs) {
    delta.earliestStartNs = span.startTimeUnixNano;
    delta.name = span.name;
  }
}
