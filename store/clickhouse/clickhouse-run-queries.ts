import type { ApiSpan, Run, RunFlagBadge } from '../../model/api.js';
import type { Attributes } from '../../model/otlp.js';
import { nanosToIso } from '../../model/time.js';
import { createPriceList, totalCost, type PriceList } from '../../model/pricing/price-list.js';
import { InvalidCursorError, MAX_CONVERSATION_SPANS, pageLimit, type ConversationSpan, type RunQueries, type RunSort, type WaterfallSpan } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { decodeCursor, encodeCursor, msToNs } from './cursor.js';
import { DEDUP_READ } from './flag-rows.js';
import { RUN_COLUMNS, type RunRow } from './run-rows.js';
import { sqlFloat, sqlInt, sqlString, sqlStringList } from './sql-literal.js';
import type { LlmCall, ToolCall } from '../../model/span.js';
import { readOverview } from './clickhouse-overview.js';
import { createClickHouseSessions } from './clickhouse-sessions.js';
import { detectorSql } from '../detector-sql.js';
import { searchCondition } from './search-text.js';

const SORT_EXPRESSIONS: Record<RunSort, string> = {
  start: 'start_ns',
  duration: 'ifNull(root_duration_ms, (end_ns - start_ns) / 1000000)',
  tokens: '(input_tokens + output_tokens)',
  spans: 'span_count',
  errors: 'error_count',
};

/** The live runs (latest version of each trace, tombstones left out), filtered after deduplication. */
export function liveRuns(context: ClickHouseContext): string {
  return `(SELECT ${RUN_COLUMNS} FROM ${context.tables.runs} FINAL)`;
}

export function toRun(row: RunRow, prices: PriceList | undefined = DEFAULT_PRICES): Run {
  const usages = (JSON.parse(row.models || '[]') as [string, number, number, number, number][]).map(
    ([model, calls, inputTokens, outputTokens, cachedInputTokens]) => ({ model, calls, inputTokens, outputTokens, cachedInputTokens }),
  );
  let model: string | null = null;
  let best: (typeof usages)[number] | null = null;
  for (const usage of usages) {
    if (usage.model === '') continue;
    if (best === null || usage.calls > best.calls || (usage.calls === best.calls && usage.inputTokens + usage.outputTokens > best.inputTokens + best.outputTokens)) best = usage;
  }
  model = best?.model ?? null;
  const startNs = BigInt(row.start_ns);
  const endNs = BigInt(row.end_ns);
  return {
    traceId: row.trace_id,
    service: row.service,
    agent: row.agent,
    name: row.name,
    startTime: nanosToIso(startNs),
    durationMs: row.root_duration_ms ?? Math.max(0, Number(endNs - startNs) / 1e6),
    spanCount: Number(row.span_count),
    llmCallCount: Number(row.llm_call_count),
    toolCallCount: Number(row.tool_call_count),
    errorCount: Number(row.error_count),
    status: row.status as Run['status'],
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    flags: JSON.parse(row.flag_badges) as RunFlagBadge[],
    sessionId: row.session_id,
    analyzed: Number(row.analyzed) === 1,
    model,
    costUsd: totalCost(usages, prices),
    serviceVersion: row.service_version,
    environment: row.environment,
    input: row.input_text === '' ? null : row.input_text,
    output: row.output_text === '' ? null : row.output_text,
  };
}

const DEFAULT_PRICES = createPriceList();

interface SpanRow {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: ApiSpan['kind'];
  start_ns: string;
  duration_ms: number;
  status: ApiSpan['status'];
  status_message: string;
  service: string;
  operation: string;
  llm: string | null;
  tool: string | null;
  attributes: string;
  events: string;
}

const API_SPAN_COLUMNS = 'span_id, parent_span_id, name, kind, start_ns, duration_ms, status, status_message, service, operation, llm, tool, attributes, events';

function toApiSpan(row: SpanRow): ApiSpan {
  const span: ApiSpan = {
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    startTime: nanosToIso(BigInt(row.start_ns)),
    durationMs: Number(row.duration_ms),
    status: row.status,
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes) as Attributes,
    events: (JSON.parse(row.events) as { name: string; timeUnixNano: string; attributes: Attributes }[]).map((event) => ({
      name: event.name,
      time: nanosToIso(BigInt(event.timeUnixNano)),
      attributes: event.attributes,
    })),
  } as ApiSpan;
  Object.assign(span, { service: row.service, operation: row.operation });
  if (row.tool !== null) span.tool = JSON.parse(row.tool) as ApiSpan['tool'];
  if (row.llm !== null) {
    const llm = JSON.parse(row.llm) as NonNullable<ApiSpan['llm']>;
    span.llm = { model: llm.model, inputTokens: llm.inputTokens, outputTokens: llm.outputTokens, finishReason: llm.finishReason };
  }
  return span;
}

/** RunQueries over ClickHouse: runs and spans through their Distributed tables. */
export function createClickHouseRunQueries(context: ClickHouseContext): RunQueries {
  const { connection, tables } = context;

  /**
   * The spans of one trace whose run is live: retention hides a run at once (a tombstone) while
   * the mutation that removes its spans runs in the background. Runs and spans are sharded alike,
   * so each shard checks its own runs ('local').
   */
  const ofLiveTrace = (traceId: string) =>
    `trace_id = ${sqlString(traceId)} AND trace_id IN (SELECT trace_id FROM (SELECT trace_id, deleted, row_version FROM ${tables.runs} FINAL WHERE trace_id = ${sqlString(traceId)}) WHERE deleted = 0)`;
  const SPAN_READ = { ...DEDUP_READ, distributed_product_mode: 'local' };

  async function spansOf(traceId: string, extra = ''): Promise<SpanRow[]> {
    return connection.select<SpanRow>(
      `SELECT ${API_SPAN_COLUMNS} FROM ${tables.spans} FINAL WHERE ${ofLiveTrace(traceId)}${extra} ORDER BY start_ns, received_at_ms, seq`,
      SPAN_READ,
    );
  }

  const sessions = createClickHouseSessions(context, toRun);
  return {
    listSessions: (filter, prices) => sessions.listSessions(filter, prices),
    getSession: (sessionId, prices) => sessions.getSession(sessionId, prices),
    async listRuns(filter = {}, prices) {
      const sort = filter.sort ?? 'start';
      const descending = (filter.order ?? 'desc') === 'desc';
      const limit = pageLimit(filter.limit);
      const sortExpression = SORT_EXPRESSIONS[sort];
      const where = ['deleted = 0'];
      if (filter.detector) where.push(`has(flag_detectors, ${sqlString(filter.detector)})`);
      if (filter.flagged) where.push("flag_badges != '[]'");
      if (filter.service) where.push(`service = ${sqlString(filter.service)}`);
      if (filter.agent) where.push(`agent = ${sqlString(filter.agent)}`);
      if (filter.status) where.push(`status = ${sqlString(filter.status)}`);
      if (filter.session) where.push(`session_id = ${sqlString(filter.session)}`);
      // models is JSON [["model", calls, …], …]: the quoted name appears only as a model.
      if (filter.model) where.push(`position(models, ${sqlString(JSON.stringify(filter.model))}) > 0`);
      if (filter.version) where.push(`service_version = ${sqlString(filter.version)}`);
      if (filter.environment) where.push(`environment = ${sqlString(filter.environment)}`);
      if (filter.sinceMs !== undefined) where.push(`start_ns >= ${sqlInt(msToNs(filter.sinceMs))}`);
      if (filter.untilMs !== undefined) where.push(`start_ns < ${sqlInt(msToNs(filter.untilMs))}`);
      if (filter.q) {
        const q = sqlString(filter.q.toLowerCase());
        // Full text: a span of the run with every word. Spans start no earlier than their run, so
        // the run's lower time bound bounds the spans scanned.
        const words = searchCondition('search_text', filter.q);
        const spanSince = filter.sinceMs === undefined ? '' : ` AND start_ns >= ${sqlInt(msToNs(filter.sinceMs))}`;
        const fullText = words === null ? '' : ` OR trace_id IN (SELECT trace_id FROM ${tables.spans} WHERE ${words}${spanSince})`;
        where.push(
          `(position(lower(name), ${q}) > 0 OR position(lower(ifNull(agent, '')), ${q}) > 0 OR position(lower(service), ${q}) > 0 OR position(lower(ifNull(session_id, '')), ${q}) > 0 OR substring(trace_id, 1, length(${q})) = ${q}${fullText})`,
        );
      }
      if (filter.cursor) {
        const [value = '', traceId = ''] = decodeCursor(filter.cursor, 2);
        if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) throw new InvalidCursorError();
        if (sort === 'start' && !/^-?\d{1,20}$/.test(value)) throw new InvalidCursorError(`cursor is not one this server issued: its position ${JSON.stringify(value.slice(0, 40))} is not an integer`);
        const op = descending ? '<' : '>';
        const literal = sort === 'start' ? sqlInt(BigInt(value)) : sqlFloat(Number(value));
        where.push(`(${sortExpression} ${op} ${literal} OR (${sortExpression} = ${literal} AND trace_id ${op} ${sqlString(traceId)}))`);
      }
      const direction = descending ? 'DESC' : 'ASC';
      const rows = await connection.select<RunRow & { sort_key: string | number }>(
        `SELECT ${RUN_COLUMNS}, toString(${sortExpression}) AS sort_key FROM ${liveRuns(context)}
         WHERE ${where.join(' AND ')} ORDER BY ${sortExpression} ${direction}, trace_id ${direction} LIMIT ${limit + 1}`,
        // Runs and spans are sharded alike: each shard matches its runs against its own spans.
        { ...DEDUP_READ, distributed_product_mode: 'local' },
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { runs: page.map((row) => toRun(row, prices)), nextCursor: rows.length > limit && last !== undefined ? encodeCursor([String(last.sort_key), last.trace_id]) : null };
    },
    async getRun(traceId, prices) {
      const [run] = await this.getRuns([traceId], prices);
      return run ?? null;
    },
    async getRuns(traceIds, prices) {
      if (traceIds.length === 0) return [];
      const rows = await connection.select<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM ${liveRuns(context)} WHERE deleted = 0 AND trace_id IN ${sqlStringList(traceIds)}`,
        DEDUP_READ,
      );
      const byId = new Map(rows.map((row) => [row.trace_id, row]));
      return traceIds.flatMap((id) => {
        const row = byId.get(id);
        return row === undefined ? [] : [toRun(row, prices)];
      });
    },
    async listConversationSpans(traceId) {
      const rows = await connection.select<{ span_id: string; kind: 'llm' | 'tool'; name: string; start_ns: string; duration_ms: number; status: string; llm: string | null; tool: string | null; attributes: string }>(
        `SELECT span_id, kind, name, start_ns, duration_ms, status, llm, tool, if(kind = 'llm', attributes, '{}') AS attributes
         FROM ${tables.spans} FINAL WHERE ${ofLiveTrace(traceId)} AND kind IN ('llm', 'tool')
         ORDER BY start_ns, received_at_ms, seq LIMIT ${sqlInt(MAX_CONVERSATION_SPANS)}`,
        SPAN_READ,
      );
      return rows.map((row): ConversationSpan => ({
        spanId: row.span_id,
        kind: row.kind,
        name: row.name,
        startMs: Number(BigInt(row.start_ns) / 1000n) / 1000,
        durationMs: Number(row.duration_ms),
        status: row.status,
        llm: row.llm === null ? null : (JSON.parse(row.llm) as LlmCall),
        tool: row.tool === null ? null : (JSON.parse(row.tool) as ToolCall),
        attributes: JSON.parse(row.attributes) as Attributes,
      }));
    },
    async findTraceIdsByPrefix(prefix, limit = 20) {
      if (!/^[0-9a-f]{1,31}$/.test(prefix)) return [];
      const rows = await connection.select<{ trace_id: string }>(
        `SELECT DISTINCT trace_id FROM ${tables.runs} WHERE substring(trace_id, 1, ${prefix.length}) = ${sqlString(prefix)}
         ORDER BY trace_id LIMIT ${sqlInt(Math.max(1, Math.min(500, Math.floor(limit))))}`,
      );
      return rows.map((r) => r.trace_id);
    },
    async listRunSpans(traceId) {
      return (await spansOf(traceId)).map(toApiSpan);
    },
    async getRunSpan(traceId, spanId) {
      const rows = await spansOf(traceId, ` AND span_id = ${sqlString(spanId)}`);
      return rows.length === 0 ? null : toApiSpan(rows[0]!);
    },
    async listWaterfallSpans(traceId) {
      const rows = await connection.select<{
        span_id: string;
        parent_span_id: string | null;
        name: string;
        kind: WaterfallSpan['kind'];
        start_ns: string;
        duration_ms: number;
        status: WaterfallSpan['status'];
        operation: string;
        llm: string | null;
        tool: string | null;
      }>(
        `SELECT span_id, parent_span_id, name, kind, start_ns, duration_ms, status, operation, llm, tool
         FROM ${tables.spans} FINAL WHERE ${ofLiveTrace(traceId)} ORDER BY start_ns, received_at_ms, seq`,
        SPAN_READ,
      );
      return rows.map((row) => {
        const llm = row.llm === null ? null : (JSON.parse(row.llm) as { model: string | null; inputTokens: number | null; outputTokens: number | null });
        const tool = row.tool === null ? null : (JSON.parse(row.tool) as { name: string });
        const tokens = llm === null || (llm.inputTokens === null && llm.outputTokens === null) ? null : (llm.inputTokens ?? 0) + (llm.outputTokens ?? 0);
        return {
          spanId: row.span_id,
          parentSpanId: row.parent_span_id,
          name: row.name,
          kind: row.kind,
          startMs: Number(BigInt(row.start_ns) / 1000n) / 1000,
          durationMs: Number(row.duration_ms),
          status: row.status,
          operation: row.operation,
          toolName: row.kind === 'tool' ? (tool?.name ?? null) : null,
          model: row.kind === 'llm' ? (llm?.model ?? null) : null,
          tokens: row.kind === 'llm' ? tokens : null,
        };
      });
    },
    async listRunFacets() {
      const distinct = async (expression: string, where: string, order = 'v') =>
        (
          await connection.select<{ v: string }>(
            `SELECT DISTINCT ${expression} AS v FROM ${liveRuns(context)} WHERE deleted = 0 AND ${where} ORDER BY ${order} LIMIT 500`,
            DEDUP_READ,
          )
        ).map((r) => r.v);
      const [services, agents, versions, environments, modelLists] = await Promise.all([
        distinct('service', '1'),
        distinct('assumeNotNull(agent)', 'isNotNull(agent)'),
        distinct('assumeNotNull(service_version)', 'isNotNull(service_version)', 'v DESC'),
        distinct('assumeNotNull(environment)', 'isNotNull(environment)'),
        distinct('models', "models != '[]'"),
      ]);
      const models = new Set<string>();
      for (const list of modelLists) for (const [model] of JSON.parse(list) as [string][]) if (model !== '') models.add(model);
      return { services, agents, models: [...models].sort().slice(0, 500), versions, environments };
    },
    readOverview: (window, options) => readOverview(context, window, options),
    async listOperations(sinceMs, untilMs, limit = 200) {
      const rows = await connection.select<{ operation: string; calls: string }>(
        `SELECT operation, count() AS calls FROM ${tables.spans} FINAL
         WHERE start_ns >= ${sqlInt(msToNs(sinceMs))} AND start_ns < ${sqlInt(msToNs(untilMs))}
         GROUP BY operation ORDER BY calls DESC, operation LIMIT ${sqlInt(Math.max(1, Math.floor(limit)))}`,
      );
      const spikes = await spikeCounts(context, sinceMs, untilMs);
      return rows.map((row) => ({ operation: row.operation, calls: Number(row.calls), spikes: spikes.get(row.operation) ?? 0 }));
    },
    async listLatencySamples(operation, sinceMs, untilMs, limit = 5000) {
      const rows = await connection.select<{ trace_id: string; span_id: string; start_ns: string; duration_ms: number; status: string }>(
        `SELECT trace_id, span_id, start_ns, duration_ms, status FROM (
           SELECT trace_id, span_id, start_ns, duration_ms, status FROM ${tables.spans} FINAL
           WHERE operation = ${sqlString(operation)} AND start_ns >= ${sqlInt(msToNs(sinceMs))} AND start_ns < ${sqlInt(msToNs(untilMs))}
           ORDER BY start_ns DESC, trace_id DESC, span_id DESC LIMIT ${sqlInt(Math.max(1, Math.floor(limit)))}
         ) ORDER BY start_ns, trace_id, span_id`,
      );
      return rows.map((row) => ({
        traceId: row.trace_id,
        spanId: row.span_id,
        startMs: Number(BigInt(row.start_ns) / 1_000_000n),
        durationMs: Number(row.duration_ms),
        status: row.status,
      }));
    },
    async listSpikeSpanKeys(operation, sinceMs, untilMs) {
      const flags = await latencyFlags(context, untilMs);
      const out = new Map<string, string>();
      if (flags.length === 0) return out;
      const keys = await spanOperations(context, flags, sinceMs, untilMs, operation);
      for (const { traceId, spanId, flagId } of keys) out.set(`${traceId}:${spanId}`, flagId);
      return out;
    },
  };
}

interface SpikeFlag {
  id: string;
  trace_id: string;
  span_ids: string;
}

/** Live latency_spike flags of runs starting before the window's end (a span starts after its run). */
async function latencyFlags(context: ClickHouseContext, untilMs: number): Promise<SpikeFlag[]> {
  return context.connection.select<SpikeFlag>(
    `SELECT id, trace_id, span_ids FROM (SELECT id, trace_id, span_ids, detector, run_start_ns, deleted, row_version FROM ${context.tables.flags} FINAL)
     WHERE deleted = 0 AND detector = ${detectorSql('latency_spike')} AND run_start_ns < ${sqlInt(msToNs(untilMs))}`,
    DEDUP_READ,
  );
}

/** The (trace, span, flag) triples of flagged spans starting in the window, with each span's operation, optionally of one operation. */
async function spanOperations(context: ClickHouseContext, flags: SpikeFlag[], sinceMs: number, untilMs: number, operation?: string): Promise<{ traceId: string; spanId: string; flagId: string; operation: string }[]> {
  const wanted = new Map<string, string>();
  for (const flag of flags) for (const spanId of JSON.parse(flag.span_ids) as string[]) wanted.set(`${flag.trace_id}:${spanId}`, flag.id);
  if (wanted.size === 0) return [];
  const traceIds = [...new Set(flags.map((f) => f.trace_id))];
  const rows = await context.connection.select<{ trace_id: string; span_id: string; operation: string }>(
    `SELECT DISTINCT trace_id, span_id, operation FROM ${context.tables.spans}
     WHERE trace_id IN (${traceIds.map(sqlString).join(', ')}) AND start_ns >= ${sqlInt(msToNs(sinceMs))} AND start_ns < ${sqlInt(msToNs(untilMs))}${operation === undefined ? '' : ` AND operation = ${sqlString(operation)}`}`,
  );
  return rows
    .filter((row) => wanted.has(`${row.trace_id}:${row.span_id}`))
    .map((row) => ({ traceId: row.trace_id, spanId: row.span_id, flagId: wanted.get(`${row.trace_id}:${row.span_id}`)!, operation: row.operation }));
}

async function spikeCounts(context: ClickHouseContext, sinceMs: number, untilMs: number): Promise<Map<string, number>> {
  const flags = await latencyFlags(context, untilMs);
  const out = new Map<string, number>();
  if (flags.length === 0) return out;
  for (const row of await spanOperations(context, flags, sinceMs, untilMs)) out.set(row.operation, (out.get(row.operation) ?? 0) + 1);
  return out;
}
