import type { ClickHouseContext } from './context.js';
import { sqlStringList } from './sql-literal.js';
import { countedBadges } from './flag-rows.js';

/** One row of `runs` as read (FINAL) and written. 64-bit integers travel as decimal strings. */
export interface RunRow {
  trace_id: string;
  service: string;
  agent: string | null;
  session_id: string | null;
  name: string;
  root_span_id: string | null;
  start_ns: string;
  end_ns: string;
  root_duration_ms: number | null;
  span_count: number;
  llm_call_count: number;
  tool_call_count: number;
  error_count: number;
  status: string;
  input_tokens: number | string;
  output_tokens: number | string;
  last_received_ms: number | string;
  received_by: string;
  /** JSON [[model, calls, inputTokens, outputTokens, cachedInputTokens]] of its model calls ('' = unnamed). */
  models: string;
  service_version: string | null;
  environment: string | null;
  analyzed: number;
  analyzed_at_ms: number | string;
  flag_badges: string;
  flag_detectors: string[];
  contribution: string;
  deleted: number;
  row_version: number | string;
  /** The run's first input and final answer ('' when none). */
  input_text: string;
  output_text: string;
}

export const RUN_COLUMNS = `trace_id, service, agent, session_id, name, root_span_id, start_ns, end_ns, root_duration_ms,
  span_count, llm_call_count, tool_call_count, error_count, status, input_tokens, output_tokens, last_received_ms,
  received_by, models, service_version, environment, analyzed, analyzed_at_ms, flag_badges, flag_detectors, contribution, deleted, row_version, input_text, output_text`;

/** The current (deduplicated) run rows of these traces, tombstones left out. */
export async function readRunRows(context: ClickHouseContext, traceIds: readonly string[]): Promise<Map<string, RunRow>> {
  const out = new Map<string, RunRow>();
  if (traceIds.length === 0) return out;
  const rows = await context.connection.select<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM ${context.tables.runs} FINAL WHERE trace_id IN ${sqlStringList(traceIds)}`,
  );
  for (const row of rows) if (Number(row.deleted) === 0) out.set(row.trace_id, normalizeRunRow(row));
  return out;
}

function normalizeRunRow(row: RunRow): RunRow {
  return {
    ...row,
    span_count: Number(row.span_count),
    llm_call_count: Number(row.llm_call_count),
    tool_call_count: Number(row.tool_call_count),
    error_count: Number(row.error_count),
    analyzed: Number(row.analyzed),
    deleted: Number(row.deleted),
    root_duration_ms: row.root_duration_ms === null ? null : Number(row.root_duration_ms),
  };
}

/** Writes run rows (each with a fresh version) with the cluster's durability. */
export async function writeRunRows(context: ClickHouseContext, rows: RunRow[]): Promise<void> {
  if (rows.length === 0) return;
  await context.connection.insert(
    context.tables.runs,
    rows.map((row) => ({ ...row, row_version: context.nextVersion() })),
    context.writeSettings,
  );
}

interface Totals {
  t_trace_id: string;
  t_span_count: string;
  t_start_ns: string;
  t_end_ns: string;
  t_llm_call_count: string;
  t_tool_call_count: string;
  t_error_count: string;
  t_input_tokens: string;
  t_output_tokens: string;
  t_has_root: string;
  t_root_span_id: string;
  t_root_duration_ms: number;
  t_root_status: string;
  t_root_name: string;
  t_root_service: string;
  t_earliest_name: string;
  t_earliest_service: string;
  t_root_agent: string | null;
  t_any_agent: string | null;
  t_session_id: string | null;
  t_last_received_ms: string;
  t_root_resource: string;
  t_any_resource: string;
  t_input_text: string;
  t_output_text: string;
}

/**
 * Which span's input and answer stand for its run's (as the SQLite backend's run_texts): the
 * root agent span's (0), else another agent span's (1), else a model call's (2); among equals
 * the earliest input and the latest-ending answer.
 */
const TEXT_RANK = "multiIf(kind = 'agent' AND isNull(parent_span_id), 0, kind = 'agent', 1, 2)";

/**
 * Recomputes the run rows of these traces from every stored span (deduplicated), keeping each
 * run's analysis state (flag badges, contribution, analysed mark) unless its totals changed, in
 * which case it is pending analysis again and marked as received by this process. Call under
 * `context.withRunLock`. Rows whose totals did not change are not rewritten.
 */
export async function recomputeRunRows(context: ClickHouseContext, traceIds: readonly string[]): Promise<void> {
  if (traceIds.length === 0) return;
  const { connection, tables } = context;
  // The three reads are independent: one round trip's wait instead of three (ingest commits wait on it).
  // The root: the span without a parent. The agent: that of an outermost agent span, else any.
  const totalsRead = connection.select<Totals>(`
    SELECT trace_id AS t_trace_id,
      count() AS t_span_count,
      min(start_ns) AS t_start_ns,
      max(end_ns) AS t_end_ns,
      countIf(kind = 'llm') AS t_llm_call_count,
      countIf(kind = 'tool') AS t_tool_call_count,
      countIf(status = 'error') AS t_error_count,
      sum(input_tokens) AS t_input_tokens,
      sum(output_tokens) AS t_output_tokens,
      countIf(isNull(parent_span_id)) AS t_has_root,
      anyIf(span_id, isNull(parent_span_id)) AS t_root_span_id,
      anyIf(duration_ms, isNull(parent_span_id)) AS t_root_duration_ms,
      anyIf(status, isNull(parent_span_id)) AS t_root_status,
      anyIf(name, isNull(parent_span_id)) AS t_root_name,
      anyIf(service, isNull(parent_span_id)) AS t_root_service,
      argMin(name, tuple(start_ns, received_at_ms, seq)) AS t_earliest_name,
      argMin(service, tuple(received_at_ms, seq)) AS t_earliest_service,
      anyIf(agent, kind = 'agent' AND isNull(parent_span_id) AND isNotNull(agent)) AS t_root_agent,
      anyIf(agent, isNotNull(agent)) AS t_any_agent,
      anyIf(session_id, isNotNull(session_id)) AS t_session_id,
      max(received_at_ms) AS t_last_received_ms,
      anyIf(resource, isNull(parent_span_id)) AS t_root_resource,
      any(resource) AS t_any_resource,
      argMinIf(input_text, tuple(${TEXT_RANK}, start_ns), input_text != '') AS t_input_text,
      argMinIf(output_text, tuple(${TEXT_RANK}, -end_ns), output_text != '') AS t_output_text
    FROM ${tables.spans} FINAL
    WHERE trace_id IN ${sqlStringList(traceIds)}
    GROUP BY trace_id`);
  const modelRowsRead = connection.select<{ trace_id: string; model: string; calls: string; input: string; output: string }>(`
    SELECT trace_id, model, count() AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output
    FROM ${tables.spans} FINAL WHERE trace_id IN ${sqlStringList(traceIds)} AND kind = 'llm'
    GROUP BY trace_id, model ORDER BY trace_id, model`);
  const [totals, modelRows, previous] = await Promise.all([totalsRead, modelRowsRead, readRunRows(context, traceIds)]);
  const models = new Map<string, [string, number, number, number, number][]>();
  for (const row of modelRows) {
    const list = models.get(row.trace_id) ?? [];
    list.push([row.model, Number(row.calls), Number(row.input), Number(row.output), 0]);
    models.set(row.trace_id, list);
  }
  const rows: RunRow[] = [];
  for (const t of totals) {
    const before = previous.get(t.t_trace_id);
    const hasRoot = Number(t.t_has_root) > 0;
    const next: RunRow = {
      trace_id: t.t_trace_id,
      service: hasRoot ? t.t_root_service : t.t_earliest_service,
      agent: t.t_root_agent ?? t.t_any_agent ?? null,
      session_id: t.t_session_id ?? null,
      name: hasRoot ? t.t_root_name : t.t_earliest_name,
      root_span_id: hasRoot ? t.t_root_span_id : null,
      start_ns: String(t.t_start_ns),
      end_ns: String(t.t_end_ns),
      root_duration_ms: hasRoot ? Number(t.t_root_duration_ms) : null,
      span_count: Number(t.t_span_count),
      llm_call_count: Number(t.t_llm_call_count),
      tool_call_count: Number(t.t_tool_call_count),
      error_count: Number(t.t_error_count),
      status: hasRoot ? t.t_root_status : 'unset',
      input_tokens: String(t.t_input_tokens),
      output_tokens: String(t.t_output_tokens),
      last_received_ms: String(t.t_last_received_ms),
      received_by: before?.received_by ?? context.processId,
      models: JSON.stringify(models.get(t.t_trace_id) ?? []),
      ...releaseOf(t.t_root_resource || t.t_any_resource),
      analyzed: before?.analyzed ?? 0,
      analyzed_at_ms: before?.analyzed_at_ms ?? '0',
      flag_badges: before?.flag_badges ?? '[]',
      flag_detectors: before?.flag_detectors ?? [],
      contribution: before?.contribution ?? '',
      deleted: 0,
      row_version: 0,
      input_text: t.t_input_text,
      output_text: t.t_output_text,
    };
    if (before !== undefined && before.span_count === next.span_count && before.models === next.models && String(before.last_received_ms) === next.last_received_ms) continue;
    // New spans: pending analysis again, by the process that received them.
    next.analyzed = 0;
    next.received_by = context.processId;
    rows.push(next);
  }
  await writeRunRows(context, rows);
}

/** service.version and deployment.environment(.name) of a resource's attributes (JSON text). */
function releaseOf(resourceJson: string): { service_version: string | null; environment: string | null } {
  let attributes: Record<string, unknown> = {};
  try {
    attributes = JSON.parse(resourceJson || '{}') as Record<string, unknown>;
  } catch {
    // a resource is always JSON we wrote; a damaged one names no release
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    service_version: text(attributes['service.version']),
    environment: text(attributes['deployment.environment.name']) ?? text(attributes['deployment.environment']),
  };
}

/** Sets the badges of these runs from their counted flags (call under withRunLock). */
export async function refreshBadges(context: ClickHouseContext, traceIds: readonly string[], change: (row: RunRow) => Partial<RunRow> = () => ({})): Promise<void> {
  const [runs, badges] = await Promise.all([readRunRows(context, traceIds), countedBadges(context, traceIds)]);
  const rows: RunRow[] = [];
  for (const run of runs.values()) {
    const list = badges.get(run.trace_id) ?? [];
    rows.push({ ...run, flag_badges: JSON.stringify(list), flag_detectors: list.map((b) => b.detector), ...change(run) });
  }
  await writeRunRows(context, rows);
}
