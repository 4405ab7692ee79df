import type { Db } from './database.js';
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
  tool_name: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
}

/** Every span of a trace in start order, as waterfall rows. */
export function listWaterfallSpans(db: Db, traceId: string): WaterfallSpan[] {
  const rows = db
    .prepare(
      `SELECT span_id, parent_span_id, name, kind, start_ns, duration_ms, status, operation,
         CASE WHEN tool IS NULL THEN NULL ELSE json_extract(tool, '$.name') END AS tool_name,
         CASE WHEN llm IS NULL THEN NULL ELSE json_extract(llm, '$.model') END AS model,
         CASE WHEN llm IS NULL THEN NULL ELSE json_extract(llm, '$.inputTokens') END AS input_tokens,
         CASE WHEN llm IS NULL THEN NULL ELSE json_extract(llm, '$.outputTokens') END AS output_tokens
       FROM spans WHERE trace_id = ? ORDER BY start_ns, id`,
    )
    .all(traceId) as WaterfallRow[];
  return rows.map((row) => ({
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    // start_ns as a double: exact to well under a microsecond, ample for a time axis.
    startMs: Number(row.start_ns) / 1e6,
    durationMs: row.duration_ms,
    status: row.status,
    operation: row.operation,
    toolName: row.tool_name,
    model: row.model,
    tokens: row.input_tokens === null && row.output_tokens === null ? null : (row.input_tokens ?? 0) + (row.output_tokens ?? 0),
  }));
}
