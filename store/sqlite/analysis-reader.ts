import type { Db } from './database.js';
import type { NormalizedSpan, SpanKind, SpanStatus, LlmCall, ToolCall } from '../../model/span.js';
import type { Attributes, OtlpEvent } from '../../model/otlp.js';
import type { TraceForAnalysis } from '../api.js';
import { toContribution } from './analysis-commit.js';

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKind;
  otel_kind: bigint;
  start_ns: bigint;
  end_ns: bigint;
  duration_ms: number;
  status: SpanStatus;
  status_message: string;
  service: string;
  agent: string | null;
  session_id: string | null;
  operation: string;
  llm: string | null;
  tool: string | null;
  attributes: string;
  events: string;
  resource: string | null;
  scope_name: string;
}

/** Below this many pending traces they are read through the partial index and sorted in memory. */
const FEW_PENDING = 5000;

export interface PendingTrace {
  traceId: string;
  lastReceivedMs: number;
}

/** Reads what the analyser needs: pending traces and a trace's spans as NormalizedSpan. */
export interface AnalysisReader {
  /**
   * The traces in the order asked, each with every stored span normalised as at ingest (exact
   * bigint times, by start), its version (the run's span count; '' when unknown) and its earlier
   * baseline contribution: three reads for the whole set, in one read transaction.
   */
  loadTraces(traceIds: readonly string[]): TraceForAnalysis[];
  /**
   * Traces waiting for analysis, oldest span time first (so baselines grow in time order):
   * complete ones (root present, nothing new since `idleBeforeMs`), rootless ones idle since
   * `orphanBeforeMs`; with `force`, every pending trace.
   */
  listPending(options: { idleBeforeMs: number; orphanBeforeMs: number; force?: boolean; limit: number; afterStartNs?: bigint; afterTraceId?: string }): { traceId: string; startNs: bigint }[];
  /** Count of traces not analysed in their current state. */
  countPending(): number;
  /** Oldest arrival (ms) among complete traces still pending; null when none. */
  oldestPendingReceivedMs(idleBeforeMs: number): number | null;
}

export function createAnalysisReader(db: Db): AnalysisReader {
  const spansOf = db
    .prepare(
      `SELECT s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.otel_kind, s.start_ns, s.end_ns, s.duration_ms,
         s.status, s.status_message, s.service, s.agent, s.session_id, s.operation, s.llm, s.tool, s.attributes, s.events,
         r.attributes AS resource, s.scope_name
       FROM spans s LEFT JOIN resources r ON r.hash = s.resource_hash
       WHERE s.trace_id IN (SELECT value FROM json_each(?)) ORDER BY s.trace_id, s.start_ns, s.id`,
    )
    .safeIntegers(true);
  const runStates = db.prepare(
    `SELECT r.trace_id, r.span_count, a.baseline_spans FROM runs r LEFT JOIN analysis_state a ON a.trace_id = r.trace_id
     WHERE r.trace_id IN (SELECT value FROM json_each(?))`,
  );
  const pendingComplete = db
    .prepare(
      `SELECT trace_id, start_ns FROM runs
       WHERE analyzed = 0 AND ((root_span_id IS NOT NULL AND last_received_ms <= ?) OR last_received_ms <= ?)
         AND (start_ns > ? OR (start_ns = ? AND trace_id > ?))
       ORDER BY start_ns, trace_id LIMIT ?`,
    )
    .safeIntegers(true);
  const pendingAll = db
    .prepare(
      `SELECT trace_id, start_ns FROM runs WHERE analyzed = 0 AND (start_ns > ? OR (start_ns = ? AND trace_id > ?))
       ORDER BY start_ns, trace_id LIMIT ?`,
    )
    .safeIntegers(true);
  // Few pending traces (the steady state): read them through the partial index and sort here,
  // instead of walking runs_start past every analysed run.
  const fewComplete = db
    .prepare(
      `SELECT trace_id, start_ns FROM runs INDEXED BY runs_pending
       WHERE analyzed = 0 AND last_received_ms <= ? AND (root_span_id IS NOT NULL OR last_received_ms <= ?) LIMIT ?`,
    )
    .safeIntegers(true);
  const fewAll = db.prepare('SELECT trace_id, start_ns FROM runs INDEXED BY runs_pending WHERE analyzed = 0 LIMIT ?').safeIntegers(true);
  const countPending = db.prepare('SELECT COUNT(*) AS n FROM runs WHERE analyzed = 0');
  const oldest = db.prepare('SELECT MIN(last_received_ms) AS ms FROM runs WHERE analyzed = 0 AND root_span_id IS NOT NULL AND last_received_ms <= ?');

  const resourceCache = new Map<string, Attributes>();
  function parseResource(json: string | null): Attributes {
    if (json === null) return {};
    let value = resourceCache.get(json);
    if (value === undefined) {
      value = JSON.parse(json) as Attributes;
      if (resourceCache.size > 1000) resourceCache.clear();
      resourceCache.set(json, value);
    }
    return value;
  }

  function toNormalizedSpan(row: SpanRow): NormalizedSpan {
    return withLazyAttributes(row, {
      traceId: row.trace_id,
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      name: row.name,
      kind: row.kind,
      otelKind: Number(row.otel_kind),
      startTimeUnixNano: BigInt(row.start_ns),
      endTimeUnixNano: BigInt(row.end_ns),
      durationMs: Number(row.duration_ms),
      status: row.status,
      statusMessage: row.status_message,
      service: row.service,
      agent: row.agent,
      sessionId: row.session_id,
      operation: row.operation,
      llm: row.llm === null ? null : (JSON.parse(row.llm) as LlmCall),
      tool: row.tool === null ? null : (JSON.parse(row.tool) as ToolCall),
      attributes: {},
      events: row.events === '[]' ? [] : (JSON.parse(row.events) as { name: string; timeUnixNano: string; attributes: Attributes }[]).map(
        (event): OtlpEvent => ({ name: event.name, timeUnixNano: BigInt(event.timeUnixNano), attributes: event.attributes }),
      ),
      resource: parseResource(row.resource),
      scopeName: row.scope_name,
    });
  }

  return {
    loadTraces(traceIds) {
      return db.transaction((): TraceForAnalysis[] => {
        const ids = JSON.stringify(traceIds);
        const states = new Map((runStates.all(ids) as { trace_id: string; span_count: number; baseline_spans: string | null }[]).map((row) => [row.trace_id, row]));
        const spans = new Map<string, NormalizedSpan[]>();
        for (const row of spansOf.all(ids) as SpanRow[]) {
          let list = spans.get(row.trace_id);
          if (list === undefined) spans.set(row.trace_id, (list = []));
          list.push(toNormalizedSpan(row));
        }
        return traceIds.map((traceId) => {
          const state = states.get(traceId);
          return {
            traceId,
            spans: spans.get(traceId) ?? [],
            version: state === undefined ? '' : String(state.span_count),
            contribution: toContribution(state?.baseline_spans),
          };
        });
      })();
    },
    listPending({ idleBeforeMs, orphanBeforeMs, force = false, limit, afterStartNs = -1n, afterTraceId = '' }) {
      const few = (
        force ? fewAll.all(FEW_PENDING + 1) : fewComplete.all(Math.max(idleBeforeMs, orphanBeforeMs), orphanBeforeMs, FEW_PENDING + 1)
      ) as { trace_id: string; start_ns: bigint }[];
      if (few.length <= FEW_PENDING) {
        return few
          .map((row) => ({ traceId: row.trace_id, startNs: BigInt(row.start_ns) }))
          .filter((row) => row.startNs > afterStartNs || (row.startNs === afterStartNs && row.traceId > afterTraceId))
          .sort((a, b) => (a.startNs !== b.startNs ? (a.startNs < b.startNs ? -1 : 1) : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0))
          .slice(0, limit);
      }
      const rows = (
        force
          ? pendingAll.all(afterStartNs, afterStartNs, afterTraceId, limit)
          : pendingComplete.all(idleBeforeMs, orphanBeforeMs, afterStartNs, afterStartNs, afterTraceId, limit)
      ) as { trace_id: string; start_ns: bigint }[];
      return rows.map((row) => ({ traceId: row.trace_id, startNs: BigInt(row.start_ns) }));
    },
    countPending() {
      return Number((countPending.get() as { n: number | bigint }).n);
    },
    oldestPendingReceivedMs(idleBeforeMs) {
      const row = oldest.get(idleBeforeMs) as { ms: number | null };
      return row.ms === null ? null : Number(row.ms);
    },
  };
}

/**
 * Raw attributes are parsed only when something reads them: detectors work on the normalised
 * fields, and parsing every span's attribute JSON was the largest cost of loading a trace.
 */
function withLazyAttributes(row: SpanRow, span: NormalizedSpan): NormalizedSpan {
  let parsed: Attributes | undefined;
  Object.defineProperty(span, 'attributes', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= JSON.parse(row.attributes) as Attributes),
    set: (value: Attributes) => {
      parsed = value;
    },
  });
  return span;
}
