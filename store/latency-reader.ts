import type { Db } from './sqlite/database.js';
import { detectorSql } from './detector-sql.js';

/**
 * Reads for the web view's latency view: per-operation duration history by span time, and the
 * spans the latency-spike detector flagged. Operations are the baseline keys of the spans table
 * (`tool:search`, `llm:gpt-4o`, `agent:planner`, `span:<name>`).
 */

export interface OperationSummary {
  operation: string;
  calls: number;
  /** latency_spike flags pointing at a span of this operation in the window. */
  spikes: number;
}

export interface LatencySample {
  traceId: string;
  spanId: string;
  /** Span start, epoch ms. */
  startMs: number;
  durationMs: number;
  status: string;
}

const NS_PER_MS = 1_000_000n;

function toNs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * NS_PER_MS;
}

/**
 * The distinct operation keys (optionally only those starting with `prefix`, e.g. `tool:`), at
 * most `limit`. A skip scan of the (operation, start_ns) index: one seek per distinct key, so
 * it costs the number of operations, not the number of spans.
 */
export function listOperationKeys(db: Db, prefix = '', limit = 500): string[] {
  const next = db.prepare('SELECT operation FROM spans WHERE operation > ? ORDER BY operation LIMIT 1').pluck();
  const keys: string[] = [];
  let after = prefix === '' ? '' : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) - 1) + '\uffff';
  while (keys.length < limit) {
    const key = next.get(after) as string | undefined;
    if (key === undefined || !key.startsWith(prefix)) break;
    keys.push(key);
    after = key;
  }
  return keys;
}

/** Calls of one operation in [sinceNs, untilNs): a range count on the covering (operation, start_ns) index. */
function countOperation(db: Db, operation: string, sinceNs: bigint, untilNs: bigint): number {
  return db
    .prepare('SELECT COUNT(*) FROM spans WHERE operation = ? AND start_ns >= ? AND start_ns < ?')
    .pluck()
    .safeIntegers(false)
    .get(operation, sinceNs, untilNs) as number;
}

/**
 * Calls and errors per tool (operation `tool:<name>`), both by span start in [sinceMs, untilMs).
 * Errors are read through the partial index of failed tool spans (migration 0005), so the cost
 * follows failed calls, not all spans. Tools without calls are left out.
 */
export function listToolCallCounts(db: Db, sinceMs: number, untilMs: number): { tool: string; calls: number; errors: number }[] {
  const sinceNs = toNs(sinceMs);
  const untilNs = toNs(untilMs);
  const errors = new Map(
    (
      db
        .prepare(
          `SELECT operation, COUNT(*) AS errors FROM spans INDEXED BY spans_tool_errors
           WHERE status = 'error' AND kind = 'tool' AND start_ns >= ? AND start_ns < ?
           GROUP BY operation`,
        )
        .safeIntegers(false)
        .all(sinceNs, untilNs) as { operation: string; errors: number }[]
    ).map((row) => [row.operation, row.errors]),
  );
  return listOperationKeys(db, 'tool:')
    .map((operation) => ({ tool: operation.slice('tool:'.length), calls: countOperation(db, operation, sinceNs, untilNs), errors: errors.get(operation) ?? 0 }))
    .filter((row) => row.calls > 0);
}

/** Every operation called in [sinceMs, untilMs), busiest first, with spike counts. Index-only counts. */
export function listOperations(db: Db, sinceMs: number, untilMs: number, limit = 200): OperationSummary[] {
  const rows = listOperationKeys(db)
    .map((operation) => ({ operation, calls: countOperation(db, operation, toNs(sinceMs), toNs(untilMs)) }))
    .filter((row) => row.calls > 0)
    .sort((a, b) => b.calls - a.calls || a.operation.localeCompare(b.operation))
    .slice(0, limit);
  const spikes = new Map(
    (
      db
        .prepare(
          `SELECT s.operation AS operation, COUNT(DISTINCT f.id) AS spikes
           FROM flags f, json_each(f.span_ids) j JOIN spans s ON s.trace_id = f.trace_id AND s.span_id = j.value
           WHERE f.detector = ${detectorSql('latency_spike')} AND f.run_start_ns >= ? AND f.run_start_ns < ?
           GROUP BY s.operation`,
        )
        .safeIntegers(false)
        .all(toNs(sinceMs), toNs(untilMs)) as { operation: string; spikes: number }[]
    ).map((row) => [row.operation, row.spikes]),
  );
  return rows.map((row) => ({ operation: row.operation, calls: row.calls, spikes: spikes.get(row.operation) ?? 0 }));
}

/**
 * Durations of one operation in [sinceMs, untilMs), oldest first, at most `limit` (the newest
 * ones when there are more). Uses the (operation, start_ns) index.
 */
export function listLatencySamples(db: Db, operation: string, sinceMs: number, untilMs: number, limit = 5000): LatencySample[] {
  const rows = db
    .prepare(
      `SELECT trace_id, span_id, start_ns, duration_ms, status FROM spans
       WHERE operation = ? AND start_ns >= ? AND start_ns < ? ORDER BY start_ns DESC LIMIT ?`,
    )
    .safeIntegers(false)
    .all(operation, toNs(sinceMs), toNs(untilMs), limit) as {
    trace_id: string;
    span_id: string;
    start_ns: number;
    duration_ms: number;
    status: string;
  }[];
  return rows.reverse().map((row) => ({
    traceId: row.trace_id,
    spanId: row.span_id,
    startMs: row.start_ns / 1e6,
    durationMs: row.duration_ms,
    status: row.status,
  }));
}

/** The span ids (as `traceId:spanId`) of one operation that latency_spike flags point at. */
export function listSpikeSpanKeys(db: Db, operation: string, sinceMs: number, untilMs: number): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT f.id AS flag_id, s.trace_id AS trace_id, s.span_id AS span_id
       FROM flags f, json_each(f.span_ids) j JOIN spans s ON s.trace_id = f.trace_id AND s.span_id = j.value
       WHERE f.detector = ${detectorSql('latency_spike')} AND s.operation = ? AND s.start_ns >= ? AND s.start_ns < ?`,
    )
    .safeIntegers(false)
    .all(operation, toNs(sinceMs), toNs(untilMs)) as { flag_id: string; trace_id: string; span_id: string }[];
  return new Map(rows.map((row) => [`${row.trace_id}:${row.span_id}`, row.flag_id]));
}

/** The operation of one span, or null when unknown. */
export function getSpanOperation(db: Db, traceId: string, spanId: string): string | null {
  const row = db.prepare('SELECT operation FROM spans WHERE trace_id = ? AND span_id = ?').get(traceId, spanId) as
    | { operation: string }
    | undefined;
  return row?.operation ?? null;
}
