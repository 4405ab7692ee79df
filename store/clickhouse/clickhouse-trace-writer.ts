import type { NormalizedSpan } from '../../model/span.js';
import type { TraceWriter, WriteResult } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { sqlStringList } from './sql-literal.js';
import { recomputeRunRows } from './run-rows.js';
import { searchColumnText } from './search-text.js';
import { readSpanTexts } from '../../model/conversation/span-texts.js';

/** One spans row as inserted (JSONEachRow; 64-bit integers as decimal strings). */
export interface SpanInsertRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  otel_kind: number;
  start_ns: string;
  end_ns: string;
  duration_ms: number;
  status: string;
  status_message: string;
  service: string;
  agent: string | null;
  session_id: string | null;
  operation: string;
  llm: string | null;
  tool: string | null;
  attributes: string;
  events: string;
  resource: string;
  scope_name: string;
  tool_name: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  received_at_ms: number;
  seq: number;
  /** The input / answer this span can give its run ('' when none: model/conversation/span-texts.ts). */
  input_text: string;
  output_text: string;
  /** Its searchable words (search-text.ts). */
  search_text: string;
}

export function toSpanInsertRow(span: NormalizedSpan, receivedAtMs: number, seq: number): SpanInsertRow {
  const texts = readSpanTexts(span);
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    otel_kind: span.otelKind,
    start_ns: span.startTimeUnixNano.toString(),
    end_ns: span.endTimeUnixNano.toString(),
    duration_ms: Number.isFinite(span.durationMs) ? span.durationMs : 0,
    status: span.status,
    status_message: span.statusMessage,
    service: span.service,
    agent: span.agent,
    session_id: span.sessionId,
    operation: span.operation,
    llm: span.llm === null ? null : JSON.stringify(span.llm),
    tool: span.tool === null ? null : JSON.stringify(span.tool),
    attributes: JSON.stringify(span.attributes),
    events: JSON.stringify(
      span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: event.attributes })),
    ),
    resource: JSON.stringify(span.resource),
    scope_name: span.scopeName,
    tool_name: span.kind === 'tool' ? (span.tool?.name ?? '') : '',
    model: span.kind === 'llm' ? (span.llm?.model ?? '') : '',
    input_tokens: span.kind === 'llm' ? Math.max(0, Math.floor(span.llm?.inputTokens ?? 0)) : 0,
    output_tokens: span.kind === 'llm' ? Math.max(0, Math.floor(span.llm?.outputTokens ?? 0)) : 0,
    received_at_ms: receivedAtMs,
    seq,
    input_text: texts.input ?? '',
    output_text: texts.output ?? '',
    search_text: searchColumnText(texts.searchable),
  };
}

interface Pending {
  rows: SpanInsertRow[];
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/** Spans per commit cycle at most; requests queued beyond it wait for the next cycle. */
const MAX_SPANS_PER_CYCLE = 20_000;

/**
 * TraceWriter over ClickHouse. Requests are committed in cycles, one at a time per process
 * (18.16 takes one quorum insert per table and shard at a time): every request queued when a
 * cycle starts joins it. A cycle:
 *  1. drops spans already stored (looked up by trace id and span id) or repeated in the cycle
 *     (the first wins): they are the request's `duplicates`;
 *  2. inserts the rest into `spans` with insert_quorum (both replicas of the shard) through the
 *     Distributed table, synchronously;
 *  3. recomputes each touched run's totals from ALL its stored spans and inserts the run row
 *     (ReplacingMergeTree by row version) with the same quorum.
 * Each request resolves once its cycle is durable. When a step fails, every request of the
 * cycle rejects (ClickHouseUnavailableError → 503, the sender retries): spans a failed cycle did
 * store are then found as stored by the retry, whose step 3 recomputes their run from all spans.
 */
export function createClickHouseTraceWriter(context: ClickHouseContext): TraceWriter & { close(): Promise<void> } {
  const queue: Pending[] = [];
  let running: Promise<void> | null = null;
  let committing = false;

  async function runCycles(): Promise<void> {
    while (queue.length > 0) {
      const cycle: Pending[] = [];
      let spans = 0;
      while (queue.length > 0 && (cycle.length === 0 || spans + queue[0]!.rows.length <= MAX_SPANS_PER_CYCLE)) {
        const next = queue.shift()!;
        spans += next.rows.length;
        cycle.push(next);
      }
      committing = true;
      try {
        const results = await commitCycle(context, cycle.map((p) => p.rows));
        cycle.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        for (const p of cycle) p.reject(error);
      } finally {
        committing = false;
      }
    }
  }

  /** Starts the cycle loop unless it runs; a request queued while the loop was ending starts it again. */
  function kick(): void {
    if (running !== null) return;
    running = runCycles().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    writeSpans(spans: readonly NormalizedSpan[], receivedAtMs: number): Promise<WriteResult> {
      if (spans.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0, traceIds: [] });
      let rows: SpanInsertRow[];
      try {
        rows = spans.map((span, i) => toSpanInsertRow(span, receivedAtMs, i));
      } catch (error) {
        return Promise.reject(error);
      }
      const done = new Promise<WriteResult>((resolve, reject) => queue.push({ rows, resolve, reject }));
      kick();
      return done;
    },
    async whenReady() {
      await context.connection.select('SELECT 1');
    },
    writePending() {
      return committing;
    },
    async close() {
      while (running) await running;
    },
  };
}

async function commitCycle(context: ClickHouseContext, requests: SpanInsertRow[][]): Promise<WriteResult[]> {
  const { connection, tables } = context;
  const all = requests.flat();
  const traceIds = [...new Set(all.map((row) => row.trace_id))];
  const stored = new Set<string>();
  const existing = await connection.select<{ trace_id: string; span_id: string }>(
    `SELECT trace_id, span_id FROM ${tables.spans} WHERE trace_id IN ${sqlStringList(traceIds)} AND span_id IN ${sqlStringList([...new Set(all.map((row) => row.span_id))])}`,
    // Only spans a quorum acknowledged count as stored: a part left by a failed quorum insert is
    // not, so its spans are inserted again (the identical block is deduplicated) and acknowledged.
    context.readSettings,
  );
  for (const row of existing) stored.add(`${row.trace_id}:${row.span_id}`);

  const toInsert: SpanInsertRow[] = [];
  const results = requests.map((rows) => {
    const touched = new Set<string>();
    let inserted = 0;
    for (const row of rows) {
      const key = `${row.trace_id}:${row.span_id}`;
      if (stored.has(key)) continue;
      stored.add(key);
      toInsert.push(row);
      touched.add(row.trace_id);
      inserted++;
    }
    return { inserted, duplicates: rows.length - inserted, traceIds: [...touched] };
  });
  if (toInsert.length > 0) await connection.insert(tables.spans, toInsert, context.writeSettings);
  // Every trace of the cycle, duplicates-only ones too: when an earlier cycle stored spans but
  // failed before their run row, this retry is what brings the run up to date.
  await context.withRunLock(() => recomputeRunRows(context, traceIds));
  return results;
}
