import type { Db } from './sqlite/database.js';
import type { SpanKind, SpanStatus } from '../model/span.js';

/**
 * The web view's waterfall: every span of a trace with just what a row shows (no attributes,
 * events, arguments or results), so a run of thousands of spans reads in milliseconds. Full
 * spans are read one by one (getRunSpan) for the selected span and the flagged ones.
 */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** Span start, epoch ms (fractional). */
  startMs: number;
  durationMs: number;
  status: SpanStatus;
  operation: string;
  /** Tool name for tool calls, else null. */
  toolName: string | null;
  /** Model for LLM calls, else null. */
  model: string | null;
  /** Input + output tokens for LLM calls when reported, else null. */
  tokens: number | null;
}

interface WaterfallRow {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKind;
  start_ns: number;
  duration_ms: number;
  status: SpanStatus;
  operation: string;
  /** JSON array [model, inputTokens, outputTokens] for LLM calls (one JSON parse in SQL), else null. */
  llm_fields: string | null;
}

/** Every span of a trace in start order, as waterfall rows. */
export function listWaterfallSpans(db: Db, traceId: string): WaterfallSpan[] {
  const rows = db
    .prepare(
      `SELECT span_id, parent_span_id, name, kind, start_ns, duration_ms, status, operation,
         CASE WHEN llm IS NULL THEN NULL ELSE json_extract(llm, '$.model', '$.inputTokens', '$.outputTokens') END AS llm_fields
       FROM spans WHERE trace_id = ? ORDER BY start_ns, id`,
    )
    .all(traceId) as WaterfallRow[];
  return rows.map((row) => {
    const [model = null, inputTokens = null, outputTokens = null] =
      row.llm_fields === null ? [] : (JSON.parse(row.llm_fields) as [string | null, number | null, number | null]);
    return {
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      name: row.name,
      kind: row.kind,
      // start_ns as a double: exact to well under a microsecond, ample for a time axis.
      startMs: Number(row.start_ns) / 1e6,
      durationMs: row.duration_ms,
      status: row.status,
      operation: row.operation,
      // The operation key of a tool call is `tool:<name>` (model/span.ts), so the tool JSON (with
      // arguments and results) is not read for the waterfall.
      toolName: row.kind === 'tool' && row.operation.startsWith('tool:') ? row.operation.slice(5) : null,
      model,
      tokens: inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0),
    };
  });
}
