import { InvalidCursorError } from './api.js';
import { countedFlag } from './counted-flags.js';
import type { Db } from './sqlite/database.js';
import type { ApiSpan, Run, RunFlagBadge } from '../model/api.js';
import type { SpanKind, SpanStatus } from '../model/span.js';
import type { Attributes } from '../model/otlp.js';
import { nanosToIso } from '../model/time.js';
import { cursorInteger, decodeCursor, encodeCursor } from './cursor.js';
import { createPriceList, totalCost, type ModelUsage, type PriceList } from '../model/pricing/price-list.js';
import { toFtsQuery } from './full-text-query.js';
import type { RunFacets, RunFilter, RunPage, RunSort } from './api.js';

export { RUN_SORTS, type RunFacets, type RunFilter, type RunPage, type RunSort } from './api.js';

/** Prices of the repo's table alone, for callers that have no configured list. */
const DEFAULT_PRICE_LIST = createPriceList();




/** The expression each sort orders by; every sort breaks ties on trace_id. */
const SORT_EXPRESSIONS: Record<RunSort, string> = {
  start: 'r.start_ns',
  duration: 'COALESCE(r.root_duration_ms, (r.end_ns - r.start_ns) / 1e6)',
  tokens: '(r.input_tokens + r.output_tokens)',
  spans: 'r.span_count',
  errors: 'r.error_count',
};

const RUN_COLUMNS = `r.trace_id, r.service, r.agent, r.session_id, r.name, r.start_ns, r.end_ns,
  r.root_duration_ms, r.span_count, r.llm_call_count, r.tool_call_count, r.error_count, r.status,
  r.input_tokens, r.output_tokens, r.analyzed, r.flag_badges, r.service_version, r.environment,
  (SELECT input_text FROM run_texts t WHERE t.trace_id = r.trace_id) AS input_text,
  (SELECT output_text FROM run_texts t WHERE t.trace_id = r.trace_id) AS output_text,
  (SELECT json_group_array(json_array(m.model, m.calls, m.input_tokens, m.output_tokens, m.cached_input_tokens))
     FROM run_models m WHERE m.trace_id = r.trace_id) AS models`;

interface RunRow {
  trace_id: string;
  service: string;
  agent: string | null;
  session_id: string | null;
  name: string;
  start_ns: number | bigint;
  end_ns: number | bigint;
  root_duration_ms: number | null;
  span_count: number;
  llm_call_count: number;
  tool_call_count: number;
  error_count: number;
  status: SpanStatus;
  input_tokens: number;
  output_tokens: number;
  analyzed: number;
  flag_badges: string;
  service_version: string | null;
  environment: string | null;
  input_text: string | null;
  output_text: string | null;
  models: string | null;
  sort_key?: number | string;
}

export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 50;

/**
 * Reads runs, newest first by default, with keyset (cursor) pagination: a cursor is opaque,
 * stable under concurrent inserts, and only valid with the same filter and sort.
 * Throws `RangeError` for a cursor it did not make.
 */
export function listRuns(db: Db, filter: RunFilter = {}, prices: PriceList = DEFAULT_PRICE_LIST): RunPage {
  const sort = filter.sort ?? 'start';
  const descending = (filter.order ?? 'desc') === 'desc';
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT);
  const sortExpression = SORT_EXPRESSIONS[sort];
  const where: string[] = [];
  const params: unknown[] = [];

  if (filter.detector) {
    where.push(`EXISTS (SELECT 1 FROM flags f WHERE f.trace_id = r.trace_id AND f.detector = ? AND ${countedFlag('f')})`);
    params.push(filter.detector);
  }
  if (filter.flagged) where.push("r.flag_badges <> '[]'");
  if (filter.service) {
    where.push('r.service = ?');
    params.push(filter.service);
  }
  if (filter.agent) {
    where.push('r.agent = ?');
    params.push(filter.agent);
  }
  if (filter.status) {
    where.push('r.status = ?');
    params.push(filter.status);
  }
  if (filter.sinceMs !== undefined) {
    where.push('r.start_ns >= ?');
    params.push(BigInt(Math.floor(filter.sinceMs)) * 1_000_000n);
  }
  if (filter.untilMs !== undefined) {
    where.push('r.start_ns < ?');
    params.push(BigInt(Math.floor(filter.untilMs)) * 1_000_000n);
  }
  if (filter.session) {
    where.push('r.session_id = ?');
    params.push(filter.session);
  }
  if (filter.model) {
    where.push('EXISTS (SELECT 1 FROM run_models m WHERE m.trace_id = r.trace_id AND m.model = ?)');
    params.push(filter.model);
  }
  if (filter.version) {
    where.push('r.service_version = ?');
    params.push(filter.version);
  }
  if (filter.environment) {
    where.push('r.environment = ?');
    params.push(filter.environment);
  }
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    const fts = toFtsQuery(filter.q);
    where.push(
      `(r.name LIKE ? ESCAPE '\\' OR r.agent LIKE ? ESCAPE '\\' OR r.service LIKE ? ESCAPE '\\' OR r.session_id LIKE ? ESCAPE '\\' OR r.trace_id LIKE ? ESCAPE '\\'${
        fts === null ? '' : ' OR r.trace_id IN (SELECT s.trace_id FROM spans s WHERE s.id IN (SELECT rowid FROM span_search WHERE span_search MATCH ?))'
      })`,
    );
    params.push(like, like, like, like, `${escapeLike(filter.q.toLowerCase())}%`);
    if (fts !== null) params.push(fts);
  }
  if (filter.cursor) {
    const [sortValue = '', traceId = ''] = decodeCursor(filter.cursor);
    if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(sortValue)) throw new InvalidCursorError();
    const comparator = descending ? '<' : '>';
    where.push(`(${sortExpression} ${comparator} ? OR (${sortExpression} = ? AND r.trace_id ${comparator} ?))`);
    const value = sort === 'start' ? cursorInteger(sortValue) : Number(sortValue);
    params.push(value, value, traceId);
  }

  const direction = descending ? 'DESC' : 'ASC';
  // The start key exceeds 2^53, so it travels as exact decimal text.
  const sortKeyColumn = sort === 'start' ? 'CAST(r.start_ns AS TEXT)' : sortExpression;
  const sql = `SELECT ${RUN_COLUMNS}, ${sortKeyColumn} AS sort_key FROM runs r
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${sortExpression} ${direction}, r.trace_id ${direction}
    LIMIT ?`;
  params.push(limit + 1);
  const rows = db.prepare(sql).safeIntegers(false).all(...params) as RunRow[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor([String(last.sort_key), last.trace_id]) : null;
  return { runs: page.map((row) => toRun(row, prices)), nextCursor };
}

export function getRun(db: Db, traceId: string, prices: PriceList = DEFAULT_PRICE_LIST): Run | null {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.trace_id = ?`).get(traceId) as RunRow | undefined;
  return row === undefined ? null : toRun(row, prices);
}

/** Runs by trace id, in the order asked (unknown ids left out). */
export function getRunsByIds(db: Db, traceIds: readonly string[], prices: PriceList = DEFAULT_PRICE_LIST): Run[] {
  if (traceIds.length === 0) return [];
  const statement = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.trace_id = ?`);
  return traceIds.flatMap((traceId) => {
    const row = statement.get(traceId) as RunRow | undefined;
    return row === undefined ? [] : [toRun(row, prices)];
  });
}

interface SpanRow {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKind;
  start_ns: number;
  duration_ms: number;
  status: SpanStatus;
  status_message: string;
  service: string;
  operation: string;
  llm: string | null;
  tool: string | null;
  attributes: string;
  events: string;
}

/** Every span of a trace in start order, in the API's shape. */
export function getRunSpans(db: Db, traceId: string): ApiSpan[] {
  const rows = db
    .prepare(
      `SELECT span_id, parent_span_id, name, kind, start_ns, duration_ms, status, status_message, service,
        operation, llm, tool, attributes, events
       FROM spans WHERE trace_id = ? ORDER BY start_ns, id`,
    )
    .all(traceId) as SpanRow[];
  return rows.map(toApiSpan);
}

/** One span of a trace in the API's shape, or null when unknown (the web view's span panel). */
export function getRunSpan(db: Db, traceId: string, spanId: string): ApiSpan | null {
  const row = db
    .prepare(
      `SELECT span_id, parent_span_id, name, kind, start_ns, duration_ms, status, status_message, service,
        operation, llm, tool, attributes, events
       FROM spans WHERE trace_id = ? AND span_id = ?`,
    )
    .get(traceId, spanId) as SpanRow | undefined;
  return row === undefined ? null : toApiSpan(row);
}

function toApiSpan(row: SpanRow): ApiSpan {
  const span: ApiSpan = {
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    // start_ns is read as a double here: exact to well under a microsecond, ample for ISO ms.
    startTime: new Date(Number(row.start_ns) / 1e6).toISOString(),
    durationMs: row.duration_ms,
    status: row.status,
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes) as Attributes,
    events: (JSON.parse(row.events) as { name: string; timeUnixNano: string; attributes: Attributes }[]).map((event) => ({
      name: event.name,
      time: nanosToIso(BigInt(event.timeUnixNano)),
      attributes: event.attributes,
    })),
    service: row.service,
    operation: row.operation,
  };
  if (row.tool !== null) span.tool = JSON.parse(row.tool) as ApiSpan['tool'];
  if (row.llm !== null) {
    const llm = JSON.parse(row.llm) as NonNullable<ApiSpan['llm']>;
    span.llm = {
      model: llm.model,
      inputTokens: llm.inputTokens,
      outputTokens: llm.outputTokens,
      finishReason: llm.finishReason,
    };
  }
  return span;
}

/** A run row's model usage, from its `models` JSON column ([[model, calls, in, out, cached], …]). */
export function readModelUsage(json: string | null): (ModelUsage & { calls: number })[] {
  if (json === null) return [];
  return (JSON.parse(json) as [string, number, number, number, number][]).map(([model, calls, inputTokens, outputTokens, cachedInputTokens]) => ({
    model,
    calls,
    inputTokens,
    outputTokens,
    cachedInputTokens,
  }));
}

/** The model with most calls (then most tokens); null when no call named one. */
function mostUsedModel(usages: readonly (ModelUsage & { calls: number })[]): string | null {
  let best: (ModelUsage & { calls: number }) | null = null;
  for (const usage of usages) {
    if (usage.model === '') continue;
    if (best === null || usage.calls > best.calls || (usage.calls === best.calls && usage.inputTokens + usage.outputTokens > best.inputTokens + best.outputTokens)) best = usage;
  }
  return best?.model ?? null;
}

function toRun(row: RunRow, prices: PriceList): Run {
  const startNs = Number(row.start_ns);
  const endNs = Number(row.end_ns);
  const usages = readModelUsage(row.models);
  return {
    traceId: row.trace_id,
    service: row.service,
    agent: row.agent,
    name: row.name,
    startTime: new Date(startNs / 1e6).toISOString(),
    durationMs: row.root_duration_ms ?? Math.max(0, (endNs - startNs) / 1e6),
    spanCount: row.span_count,
    llmCallCount: row.llm_call_count,
    toolCallCount: row.tool_call_count,
    errorCount: row.error_count,
    status: row.status,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    flags: JSON.parse(row.flag_badges) as RunFlagBadge[],
    sessionId: row.session_id,
    analyzed: row.analyzed === 1,
    model: mostUsedModel(usages),
    costUsd: totalCost(usages, prices),
    serviceVersion: row.service_version,
    environment: row.environment,
    input: row.input_text,
    output: row.output_text,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}


/** Distinct services, agents, models, versions and environments, for filter drop-downs. */
export function listRunFacets(db: Db): RunFacets {
  const services = (db.prepare('SELECT DISTINCT service FROM runs ORDER BY service LIMIT 500').all() as { service: string }[]).map(
    (row) => row.service,
  );
  const agents = (
    db.prepare('SELECT DISTINCT agent FROM runs WHERE agent IS NOT NULL ORDER BY agent LIMIT 500').all() as { agent: string }[]
  ).map((row) => row.agent);
  const column = (sql: string) => (db.prepare(sql).raw(true).all() as [string][]).map(([value]) => value);
  return {
    services,
    agents,
    models: column("SELECT DISTINCT model FROM run_models WHERE model <> '' ORDER BY model LIMIT 500"),
    versions: column('SELECT DISTINCT service_version FROM runs WHERE service_version IS NOT NULL ORDER BY service_version DESC LIMIT 500'),
    environments: column('SELECT DISTINCT environment FROM runs WHERE environment IS NOT NULL ORDER BY environment LIMIT 500'),
  };
}
