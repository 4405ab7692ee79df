import type { DetectorId, Severity } from '../../model/api.js';
import type { AgentRow, BucketRow, BurnRow, FlagCount, Period, PeriodTotals, ReportQueries, SignatureRow, ToolRow, VersionRateRow } from '../api.js';
import { summarizeCosts, type UsageRow } from '../cost-summary.js';
import { createPriceList } from '../../model/pricing/price-list.js';
import type { ClickHouseContext } from './context.js';
import { msToNs } from './cursor.js';
import { DEDUP_READ, countedFlag } from './flag-rows.js';
import { RUN_COLUMNS } from './run-rows.js';
import { sqlInt, sqlString, sqlStringList } from './sql-literal.js';
import { RUN_FAILING_DETECTORS_SQL, detectorSql } from '../detector-sql.js';

const RANK_TO_SEVERITY: Severity[] = ['info', 'warning', 'critical'];
const DEFAULT_PRICES = createPriceList();
const SEVERITY_RANK = `multiIf(severity = 'critical', 2, severity = 'warning', 1, 0)`;

/**
 * ReportQueries over ClickHouse. Flags live on every server, so a run's flags are found with
 * `trace_id IN (SELECT … FROM flags)` evaluated next to each shard's runs; per-run flag counts
 * join on the server that asks.
 */
export function createClickHouseReportQueries(context: ClickHouseContext): ReportQueries {
  const { connection, tables } = context;
  const flagsTable = tables.flags;
  // A flag reviewed as a false positive counts nowhere (store/counted-flags.ts).
  const counted = countedFlag(context);
  const liveFlags = (where: string) =>
    `(SELECT id, trace_id, detector, severity, summary, evidence, span_ids, signature, service, agent, tool, run_start_ns, deleted, row_version
      FROM ${flagsTable} FINAL) WHERE deleted = 0 AND ${counted}${where ? ` AND ${where}` : ''}`;
  const silentTraces = `(SELECT trace_id FROM ${liveFlags(`detector IN ${RUN_FAILING_DETECTORS_SQL}`)})`;
  const flaggedTraces = `(SELECT trace_id FROM ${liveFlags('')})`;
  const failedRun = `(status = 'error' OR trace_id IN ${silentTraces})`;
  const range = (period: Period, column: string) =>
    `${column} >= ${sqlInt(msToNs(period.fromMs))} AND ${column} < ${sqlInt(msToNs(period.toMs))}`;
  const runsIn = (period: Period) => `(SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL) WHERE deleted = 0 AND ${range(period, 'start_ns')}`;
  const select = <T>(sql: string) => connection.select<T>(sql, DEDUP_READ);

  return {
    async periodTotals(period) {
      const rows = await select<Record<string, string>>(
        `SELECT count() AS runs, countIf(status = 'error') AS errorRuns, countIf(trace_id IN ${silentTraces}) AS silentFailureRuns,
           countIf(${failedRun}) AS failedRuns, countIf(trace_id IN ${flaggedTraces}) AS flaggedRuns,
           sum(input_tokens) AS inputTokens, sum(output_tokens) AS outputTokens
         FROM ${runsIn(period)}`,
      );
      const r = rows[0] ?? {};
      const n = (k: string) => Number(r[k] ?? 0);
      return {
        runs: n('runs'),
        errorRuns: n('errorRuns'),
        silentFailureRuns: n('silentFailureRuns'),
        failedRuns: n('failedRuns'),
        flaggedRuns: n('flaggedRuns'),
        inputTokens: n('inputTokens'),
        outputTokens: n('outputTokens'),
      } satisfies PeriodTotals;
    },
    async flagCounts(period) {
      const rows = await select<{ detector: DetectorId; severity: Severity; count: string }>(
        `SELECT detector, severity, count() AS count FROM ${liveFlags(range(period, 'run_start_ns'))} GROUP BY detector, severity ORDER BY detector, severity`,
      );
      return rows.map((r): FlagCount => ({ detector: r.detector, severity: r.severity, count: Number(r.count) }));
    },
    async signatures(period, limit = 50) {
      const from = msToNs(period.fromMs);
      const to = msToNs(period.toMs);
      const previousFrom = from - (to - from);
      const rows = await select<Record<string, string | null>>(
        `SELECT signature, min(detector) AS detector, min(agent) AS agent, min(service) AS service, min(tool) AS tool,
           max(${SEVERITY_RANK}) AS severity_rank, count() AS count, uniqExact(trace_id) AS runs,
           intDiv(max(run_start_ns), 1000000) AS last_seen_ms,
           argMin(trace_id, tuple(-run_start_ns, id)) AS example_trace,
           argMin(summary, tuple(-run_start_ns, id)) AS example_summary,
           argMin(evidence, tuple(-run_start_ns, id)) AS example_evidence
         FROM ${liveFlags(`run_start_ns >= ${sqlInt(from)} AND run_start_ns < ${sqlInt(to)}`)}
         GROUP BY signature ORDER BY count DESC, severity_rank DESC, signature LIMIT ${sqlInt(Math.max(1, Math.floor(limit)))}`,
      );
      if (rows.length === 0) return [];
      const signatures = rows.map((r) => r.signature!);
      const [previous, first] = await Promise.all([
        select<{ signature: string; n: string }>(
          `SELECT signature, count() AS n FROM ${liveFlags(`signature IN ${sqlStringList(signatures)} AND run_start_ns >= ${sqlInt(previousFrom)} AND run_start_ns < ${sqlInt(from)}`)} GROUP BY signature`,
        ),
        select<{ signature: string; first_ms: string }>(
          `SELECT signature, intDiv(min(run_start_ns), 1000000) AS first_ms FROM ${liveFlags(`signature IN ${sqlStringList(signatures)} AND run_start_ns < ${sqlInt(to)}`)} GROUP BY signature`,
        ),
      ]);
      const previousBy = new Map(previous.map((r) => [r.signature, Number(r.n)]));
      const firstBy = new Map(first.map((r) => [r.signature, Number(r.first_ms)]));
      return rows.map(
        (r): SignatureRow => ({
          signature: r.signature!,
          detector: r.detector as DetectorId,
          agent: r.agent ?? null,
          service: r.service!,
          tool: r.tool ?? null,
          severity: RANK_TO_SEVERITY[Number(r.severity_rank)] ?? 'info',
          count: Number(r.count),
          runs: Number(r.runs),
          previousCount: previousBy.get(r.signature!) ?? 0,
          firstSeenMs: firstBy.get(r.signature!) ?? Number(r.last_seen_ms),
          lastSeenMs: Number(r.last_seen_ms),
          exampleTraceId: r.example_trace!,
          exampleSummary: r.example_summary!,
          exampleEvidence: r.example_evidence!,
        }),
      );
    },
    async worstAgents(period, limit = 10) {
      const rows = await select<Record<string, string | null>>(
        `SELECT agent, service, count() AS runs, sum(failed) AS failedRuns, sum(fc) AS flags, sum(cc) AS criticalFlags, sum(tokens) AS tokens
         FROM (
           SELECT trace_id, agent, service, toUInt64(${failedRun}) AS failed, input_tokens + output_tokens AS tokens FROM ${runsIn(period)}
         ) AS period_runs ANY LEFT JOIN (
           SELECT trace_id, count() AS fc, countIf(severity = 'critical') AS cc FROM ${liveFlags('')} GROUP BY trace_id
         ) AS run_flags USING trace_id
         GROUP BY agent, service HAVING failedRuns > 0 OR flags > 0
         ORDER BY failedRuns DESC, criticalFlags DESC, flags DESC, runs DESC LIMIT ${sqlInt(Math.max(1, Math.floor(limit)))}`,
      );
      return rows.map(
        (r): AgentRow => ({
          agent: r.agent ?? null,
          service: r.service!,
          runs: Number(r.runs),
          failedRuns: Number(r.failedRuns),
          flags: Number(r.flags),
          criticalFlags: Number(r.criticalFlags),
          tokens: Number(r.tokens),
        }),
      );
    },
    async worstTools(period, limit = 10) {
      const runTraces = `(SELECT trace_id FROM ${runsIn(period)})`;
      // Spans and runs are sharded alike (by trace id): each shard matches its spans against its
      // own runs ('local' reads the runs subquery from the shard's local table).
      const calls = await connection.select<{ tool: string; calls: string; errors: string }>(
        `SELECT if(tool_name != '', tool_name, name) AS tool, count() AS calls, countIf(status = 'error') AS errors
         FROM ${tables.spans} WHERE kind = 'tool' AND trace_id IN ${runTraces} GROUP BY tool`,
        { ...DEDUP_READ, distributed_product_mode: 'local' },
      );
      const flags = await select<{ id: string; trace_id: string; span_ids: string }>(`SELECT id, trace_id, span_ids FROM ${liveFlags(range(period, 'run_start_ns'))}`);
      const flagsByTool = new Map<string, Set<string>>();
      if (flags.length > 0) {
        const wanted = new Map<string, string[]>();
        for (const f of flags) for (const spanId of JSON.parse(f.span_ids) as string[]) {
          const key = `${f.trace_id}:${spanId}`;
          wanted.set(key, [...(wanted.get(key) ?? []), f.id]);
        }
        const spans = await select<{ trace_id: string; span_id: string; tool: string }>(
          `SELECT DISTINCT trace_id, span_id, if(tool_name != '', tool_name, name) AS tool FROM ${tables.spans}
           WHERE kind = 'tool' AND trace_id IN ${sqlStringList([...new Set(flags.map((f) => f.trace_id))])}`,
        );
        for (const span of spans) {
          for (const id of wanted.get(`${span.trace_id}:${span.span_id}`) ?? []) {
            let set = flagsByTool.get(span.tool);
            if (set === undefined) flagsByTool.set(span.tool, (set = new Set()));
            set.add(id);
          }
        }
      }
      return calls
        .map((r): ToolRow => ({ tool: r.tool, calls: Number(r.calls), errors: Number(r.errors), flags: flagsByTool.get(r.tool)?.size ?? 0 }))
        .filter((r) => r.errors > 0 || r.flags > 0)
        .sort((a, b) => b.flags - a.flags || b.errors - a.errors || b.calls - a.calls || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0))
        .slice(0, limit);
    },
    async listOperationKeys() {
      const rows = await select<{ operation: string }>(`SELECT DISTINCT operation FROM ${tables.spans} ORDER BY operation`);
      return rows.map((r) => r.operation);
    },
    async operationLatency(period, operation) {
      const rows = await select<{ d: number }>(
        `SELECT duration_ms AS d FROM ${tables.spans} FINAL WHERE operation = ${sqlString(operation)} AND ${range(period, 'start_ns')}`,
      );
      if (rows.length === 0) return null;
      const values = Float64Array.from(rows.map((r) => Number(r.d))).sort();
      const at = (p: number) => values[Math.max(1, Math.ceil(p * values.length)) - 1]!;
      return { operation, count: values.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
    },
    async burn(period) {
      const duration = 'ifNull(root_duration_ms, (end_ns - start_ns) / 1000000)';
      const loops = await select<Record<string, string | null>>(`SELECT id, trace_id, evidence FROM ${liveFlags(`detector = ${detectorSql('tool_loop')} AND ${range(period, 'run_start_ns')}`)}`);
      const silent = await select<Record<string, string | null>>(
        `SELECT trace_id, agent, service, input_tokens + output_tokens AS tokens, ${duration} AS duration FROM ${runsIn(period)} AND trace_id IN ${silentTraces}`,
      );
      const loopRuns = loops.length === 0
        ? []
        : await select<Record<string, string | null>>(
            `SELECT trace_id, agent, service, input_tokens + output_tokens AS tokens, ${duration} AS duration
             FROM (SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL) WHERE deleted = 0 AND trace_id IN ${sqlStringList([...new Set(loops.map((l) => l.trace_id!))])}`,
          );
      const runBy = new Map(loopRuns.map((r) => [r.trace_id!, r]));
      const out: BurnRow[] = [];
      for (const loop of loops) {
        const run = runBy.get(loop.trace_id!);
        if (run === undefined) continue;
        out.push({
          flagId: loop.id!,
          traceId: loop.trace_id!,
          agent: run.agent ?? null,
          service: run.service!,
          detector: 'tool_loop',
          evidence: loop.evidence ?? null,
          runTokens: Number(run.tokens),
          runDurationMs: Number(run.duration),
        });
      }
      for (const run of silent) {
        out.push({
          flagId: null,
          traceId: run.trace_id!,
          agent: run.agent ?? null,
          service: run.service!,
          detector: 'silent_failure',
          evidence: null,
          runTokens: Number(run.tokens),
          runDurationMs: Number(run.duration),
        });
      }
      return out;
    },
    async series(period, bucketMs) {
      const from = sqlInt(msToNs(period.fromMs));
      const bucketNs = sqlInt(BigInt(Math.max(1, Math.floor(bucketMs))) * 1_000_000n);
      const [runs, flags] = await Promise.all([
        select<{ bucket: string; runs: string; failed: string }>(
          `SELECT intDiv(start_ns - ${from}, ${bucketNs}) AS bucket, count() AS runs, countIf(${failedRun}) AS failed FROM ${runsIn(period)} GROUP BY bucket`,
        ),
        select<{ bucket: string; flags: string }>(
          `SELECT intDiv(run_start_ns - ${from}, ${bucketNs}) AS bucket, count() AS flags FROM ${liveFlags(range(period, 'run_start_ns'))} GROUP BY bucket`,
        ),
      ]);
      const byBucket = new Map<number, BucketRow>();
      for (const r of runs) byBucket.set(Number(r.bucket), { bucket: Number(r.bucket), runs: Number(r.runs), failedRuns: Number(r.failed), flags: 0 });
      for (const r of flags) {
        const b = Number(r.bucket);
        const existing = byBucket.get(b) ?? { bucket: b, runs: 0, failedRuns: 0, flags: 0 };
        existing.flags = Number(r.flags);
        byBucket.set(b, existing);
      }
      return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
    },
    async costs(period, prices = DEFAULT_PRICES) {
      // The period's runs with their per-model usage (runs.models: [model, calls, input, output, cached]), grouped here.
      const [runs, flagged] = await Promise.all([
        select<{ trace_id: string; agent: string | null; service: string; models: string }>(`SELECT trace_id, agent, service, models FROM ${runsIn(period)}`),
        select<{ trace_id: string; detector: string }>(`SELECT DISTINCT trace_id, detector FROM ${liveFlags(range(period, 'run_start_ns'))}`),
      ]);
      const groups = { byModel: new Map<string, UsageRow & { traces: Set<string> }>(), byAgent: new Map<string, UsageRow & { traces: Set<string> }>(), burned: new Map<string, UsageRow & { traces: Set<string> }>() };
      const add = (into: Map<string, UsageRow & { traces: Set<string> }>, group: string | null, traceId: string, usage: [string, number, number, number, number]) => {
        const [model, calls, inputTokens, outputTokens, cachedInputTokens] = usage;
        const key = `${group ?? ''}\u0000${model}`;
        let row = into.get(key);
        if (row === undefined) {
          row = { group, model, calls: 0, runs: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, traces: new Set() };
          into.set(key, row);
        }
        row.calls += Number(calls);
        row.inputTokens += Number(inputTokens);
        row.outputTokens += Number(outputTokens);
        row.cachedInputTokens += Number(cachedInputTokens);
        row.traces.add(traceId);
        row.runs = row.traces.size;
      };
      const usageOf = new Map<string, [string, number, number, number, number][]>();
      for (const run of runs) {
        const usage = JSON.parse(run.models || '[]') as [string, number, number, number, number][];
        usageOf.set(run.trace_id, usage);
        for (const entry of usage) {
          add(groups.byModel, null, run.trace_id, entry);
          add(groups.byAgent, run.agent ?? run.service, run.trace_id, entry);
        }
      }
      // Flags by their run's start, as SQLite: a flagged run outside the runs read is read too.
      const missing = [...new Set(flagged.map((flag) => flag.trace_id).filter((traceId) => !usageOf.has(traceId)))];
      if (missing.length > 0) {
        for (const run of await select<{ trace_id: string; models: string }>(
          `SELECT trace_id, models FROM (SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL) WHERE deleted = 0 AND trace_id IN ${sqlStringList(missing)}`,
        )) {
          usageOf.set(run.trace_id, JSON.parse(run.models || '[]') as [string, number, number, number, number][]);
        }
      }
      for (const flag of flagged) for (const entry of usageOf.get(flag.trace_id) ?? []) add(groups.burned, flag.detector, flag.trace_id, entry);
      return summarizeCosts({ byModel: [...groups.byModel.values()], byAgent: [...groups.byAgent.values()], burned: [...groups.burned.values()] }, prices);
    },
    async versionRates(period) {
      const rows = await select<Record<string, string>>(
        `SELECT service, assumeNotNull(service_version) AS version, count() AS runs, countIf(${failedRun}) AS failedRuns,
           countIf(trace_id IN ${flaggedTraces}) AS flaggedRuns, toString(intDiv(min(start_ns), 1000000)) AS firstStartMs
         FROM ${runsIn(period)} AND isNotNull(service_version) AND service_version != ''
         GROUP BY service, version ORDER BY service, firstStartMs, version`,
      );
      return rows
        .map((r): VersionRateRow => ({
          service: r.service!,
          version: r.version!,
          runs: Number(r.runs),
          failedRuns: Number(r.failedRuns),
          flaggedRuns: Number(r.flaggedRuns),
          firstStartMs: Number(r.firstStartMs),
        }))
        .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) || a.firstStartMs - b.firstStartMs || (a.version < b.version ? -1 : 1));
    },
  };
}
