import type { Db } from './sqlite/database.js';
import type { Attributes } from '../model/otlp.js';
import type { LlmCall, ToolCall } from '../model/span.js';

import { MAX_CONVERSATION_SPANS, type ConversationSpan } from './api.js';

export { MAX_CONVERSATION_SPANS, type ConversationSpan } from './api.js';

/**
 * A run's model and tool calls in start order, at most MAX_CONVERSATION_SPANS. Only model calls'
 * attributes are read (tool calls carry their arguments and results in `tool`).
 */
export function listConversationSpans(db: Db, traceId: string): ConversationSpan[] {
  const rows = db
    .prepare(
      `SELECT span_id, kind, name, start_ns, duration_ms, status, llm, tool, CASE WHEN kind = 'llm' THEN attributes ELSE '{}' END AS attributes
       FROM spans WHERE trace_id = ? AND kind IN ('llm', 'tool') ORDER BY start_ns, id LIMIT ?`,
    )
    .safeIntegers(false)
    .all(traceId, MAX_CONVERSATION_SPANS) as {
    span_id: string;
    kind: 'llm' | 'tool';
    name: string;
    start_ns: number;
    duration_ms: number;
    status: string;
    llm: string | null;
    tool: string | null;
    attributes: string;
  }[];
  return rows.map((row) => ({
    spanId: row.span_id,
    kind: row.kind,
    name: row.name,
    startMs: row.start_ns / 1e6,
    durationMs: row.duration_ms,
    status: row.status,
    llm: row.llm === null ? null : (JSON.parse(row.llm) as LlmCall),
    tool: row.tool === null ? null : (JSON.parse(row.tool) as ToolCall),
    attributes: JSON.parse(row.attributes) as Attributes,
  }));
}
