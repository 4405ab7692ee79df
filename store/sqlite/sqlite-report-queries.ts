import { percentileSorted } from '../../model/percentile.js';
import { countedFlag } from '../counted-flags.js';
import type { Db } from './database.js';
import type { Severity } from '../../model/api.js';
import type { AgentRow, BucketRow, BurnRow, FlagCount, LatencyRow, Period, PeriodTotals, ReportQueries, SignatureRow, ToolRow, VersionRateRow } from '../api.js';
import { readCostSummary } from '../cost-reader.js';
import { createPriceList } from '../../model/pricing/price-list.js';

const DEFAULT_PRICES = createPriceList();
import { RUN_FAILING_DETECTORS_SQL, detectorSql } from '../detector-sql.js';

/**
 * ReportQueries over SQLite (store/api.ts): the aggregations behind the anomaly report. Every function reads one half-open period
 * [fromMs, toMs) by SPAN TIMESTAMP: runs by `runs.start_ns`, flags by `flags.run_start_ns`, and
 * spans through the run they belong to — so a report agrees with GET /api/runs?since&until and
 * GET /api/flags?since&until for the same instants, and late or bulk-sent traces count in the
 * period they happened, not when they arrived.
 *
 * Latency is the exception: spans by their own start (spans.start_ns), through the operation index.
 *
 * A run has FAILED when it failed loudly (root status `error`) or silently (it carries a
 * `silent_failure` flag; by definition such a run's root is not `error`).
 *
 * Flags reviewed as false positives do not count anywhere here (store/counted-flags.ts).
 */
export function createSqliteReportQueries(db: Db): ReportQueries {
  return {
    periodTotals: async (period) => queryPeriodTotals(db, period),
    flagCounts: async (period) => queryFlagCounts(db, period),
    signatures: async (period, limit) => querySignatures(db, period, limit),
    worstAgents: async (period, limit) => queryWorstAgents(db, period, limit),
    worstTools: async (period, limit) => queryWorstTools(db, period, limit),
    listOperationKeys: async () => listOperations(db),
    operationLatency: async (period, operation) => queryOperationLatency(db, period, operation),
    burn: async (period) => queryBurn(db, period),
    series: async (period, bucketMs) => querySeries(db, period, bucketMs),
    costs: async (period, prices) => readCostSummary(db, period.fromMs, period.toMs, prices ?? DEFAULT_PRICES),
    versionRates: async (period) => queryVersionRates(db, period),
  };
}

function bounds(period: Period): [bigint, bigint] {
  return [BigInt(Math.floor(period.fromMs)) * 1_000_000n, BigInt(Math.floor(period.toMs)) * 1_000_000n];
}

/**
 * A run that failed silently: it has a counted flag (store/counted-flags.ts: not reviewed a false
 * positive) of a detector whose flags fail the run (silent_failure).
 */
const SILENT_FAILURE_RUN = `EXISTS (SELECT 1 FROM flags sf WHERE sf.trace_id = r.trace_id AND sf.detector IN ${RUN_FAILING_DETECTORS_SQL} AND ${countedFlag('sf')})`;
const FAILED_RUN = `(r.status = 'error' OR ${SILENT_FAILURE_RUN})`;
const SEVERITY_RANK = `CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END`;
const RANK_TO_SEVERITY: Severity[] = ['info', 'warning', 'critical'];

function queryPeriodTotals(db: Db, period: Period): PeriodTotals {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS runs,
         COALESCE(SUM(r.status = 'error'), 0) AS errorRuns,
         COALESCE(SUM(${SILENT_FAILURE_RUN}), 0) AS silentFailureRuns,
         COALESCE(SUM(${FAILED_RUN}), 0) AS failedRuns,
         COALESCE(SUM(EXISTS (SELECT 1 FROM flags af WHERE af.trace_id = r.trace_id AND ${countedFlag('af')})), 0) AS flaggedRuns,
         COALESCE(SUM(r.input_tokens), 0) AS inputTokens,
         COALESCE(SUM(r.output_tokens), 0) AS outputTokens
       FROM runs r WHERE r.start_ns >= ? AND r.start_ns < ?`,
    )
    .get(...bounds(period)) as PeriodTotals;
  return row;
}

function queryFlagCounts(db: Db, period: Period): FlagCount[] {
  return db
    .prepare(
      `SELECT detector, severity, COUNT(*) AS count FROM flags
       WHERE run_start_ns >= ? AND run_start_ns < ? AND ${countedFlag()} GROUP BY detector, severity ORDER BY detector, severity`,
    )
    .all(...bounds(period)) as FlagCount[];
}

/** Recurring failure signatures in the period, most frequent first (at most `limit`). */
function querySignatures(db: Db, period: Period, limit = 50): SignatureRow[] {
  const [from, to] = bounds(period);
  const previousFrom = from - (to - from);
  const rows = db
    .prepare(
      `SELECT f.signature, MIN(f.detector) AS detector, MIN(f.agent) AS agent, MIN(f.service) AS service, MIN(f.tool) AS tool,
         MAX(${SEVERITY_RANK}) AS severityRank, COUNT(*) AS count, COUNT(DISTINCT f.trace_id) AS runs,
         (SELECT COUNT(*) FROM flags p WHERE p.signature = f.signature AND p.run_start_ns >= ? AND p.run_start_ns < ? AND ${countedFlag('p')}) AS previousCount,
         (SELECT MIN(e.run_start_ns) FROM flags e WHERE e.signature = f.signature AND e.run_start_ns < ?) / 1000000 AS firstSeenMs,
         MAX(f.run_start_ns) / 1000000 AS lastSeenMs
       FROM flags f WHERE f.run_start_ns >= ? AND f.run_start_ns < ? AND ${countedFlag('f')}
       GROUP BY f.signature ORDER BY count DESC, severityRank DESC, f.signature LIMIT ?`,
    )
    .all(previousFrom, from, to, from, to, limit) as (Omit<SignatureRow, 'severity' | 'exampleTraceId' | 'exampleSummary' | 'exampleEvidence'> & {
    severityRank: number;
  })[];
  const example = db.prepare(
    `SELECT trace_id, summary, evidence FROM flags WHERE signature = ? AND run_start_ns >= ? AND run_start_ns < ? AND ${countedFlag()}
     ORDER BY run_start_ns DESC, id LIMIT 1`,
  );
  return rows.map(({ severityRank, ...row }) => {
    const latest = example.get(row.signature, from, to) as { trace_id: string; summary: string; evidence: string };
    return {
      ...row,
      severity: RANK_TO_SEVERITY[severityRank] ?? 'info',
      exampleTraceId: latest.trace_id,
      exampleSummary: latest.summary,
      exampleEvidence: latest.evidence,
    };
  });
}

/** Agents (per service) with the most failed runs, then the most flags. */
function queryWorstAgents(db: Db, period: Period, limit = 10): AgentRow[] {
  return db
    .prepare(
      `SELECT r.agent, r.service, COUNT(*) AS runs, SUM(${FAILED_RUN}) AS failedRuns,
         SUM((SELECT COUNT(*) FROM flags f WHERE f.trace_id = r.trace_id AND ${countedFlag('f')})) AS flags,
         SUM((SELECT COUNT(*) FROM flags f WHERE f.trace_id = r.trace_id AND f.severity = 'critical' AND ${countedFlag('f')})) AS criticalFlags,
         SUM(r.input_tokens + r.output_tokens) AS tokens
       FROM runs r WHERE r.start_ns >= ? AND r.start_ns < ?
       GROUP BY r.agent, r.service
       HAVING failedRuns > 0 OR flags > 0
       ORDER BY failedRuns DESC, criticalFlags DESC, flags DESC, runs DESC LIMIT ?`,
    )
    .all(...bounds(period), limit) as AgentRow[];
}

/** Tools with the most flags and errors. */
function queryWorstTools(db: Db, period: Period, limit = 10): ToolRow[] {
  const [from, to] = bounds(period);
  const calls = db
    .prepare(
      `SELECT COALESCE(json_extract(s.tool, '$.name'), s.name) AS tool, COUNT(*) AS calls, SUM(s.status = 'error') AS errors
       FROM runs r JOIN spans s ON s.trace_id = r.trace_id
       WHERE r.start_ns >= ? AND r.start_ns < ? AND s.kind = 'tool' GROUP BY 1`,
    )
    .all(from, to) as Omit<ToolRow, 'flags'>[];
  const flagged = db
    .prepare(
      `SELECT COALESCE(json_extract(s.tool, '$.name'), s.name) AS tool, COUNT(DISTINCT f.id) AS flags
       FROM flags f, json_each(f.span_ids) j JOIN spans s ON s.trace_id = f.trace_id AND s.span_id = j.value
       WHERE f.run_start_ns >= ? AND f.run_start_ns < ? AND s.kind = 'tool' AND ${countedFlag('f')} GROUP BY 1`,
    )
    .all(from, to) as { tool: string; flags: number }[];
  const flagsByTool = new Map(flagged.map((row) => [row.tool, row.flags]));
  return calls
    .map((row) => ({ ...row, flags: flagsByTool.get(row.tool) ?? 0 }))
    .filter((row) => row.errors > 0 || row.flags > 0)
    .sort((a, b) => b.flags - a.flags || b.errors - a.errors || b.calls - a.calls || a.tool.localeCompare(b.tool))
    .slice(0, limit);
}

/** Every operation key with spans stored (index-only scan). */
function listOperations(db: Db): string[] {
  return (db.prepare('SELECT DISTINCT operation FROM spans ORDER BY operation').pluck().all() as string[]);
}

/**
 * Latency percentiles of one operation (spans.operation) over the spans that STARTED in the
 * period (the span's own timestamp; index spans_operation_start serves the range); null when
 * there are none. Nearest-rank percentiles: the value at rank ceil(p·n).
 */
function queryOperationLatency(db: Db, period: Period, operation: string): LatencyRow | null {
  const values = Float64Array.from(
    db.prepare('SELECT duration_ms FROM spans WHERE operation = ? AND start_ns >= ? AND start_ns < ?').pluck().all(operation, ...bounds(period)) as number[],
  ).sort();
  if (values.length === 0) return null;
  const at = (q: number) => percentileSorted(values, q);
  return { operation, count: values.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

/**
 * What loops and silent failures cost: one row per `tool_loop` flag (its evidence may state the
 * loop's own tokens and time) and one row per run with a `silent_failure` flag (the whole run
 * was wasted). Run duration is the root span's, or first start to last end without a root.
 */
function queryBurn(db: Db, period: Period): BurnRow[] {
  const [from, to] = bounds(period);
  const runDuration = 'COALESCE(r.root_duration_ms, (r.end_ns - r.start_ns) / 1e6)';
  const loops = db
    .prepare(
      `SELECT f.id AS flagId, f.trace_id AS traceId, r.agent, r.service, f.detector, f.evidence,
         r.input_tokens + r.output_tokens AS runTokens, ${runDuration} AS runDurationMs
       FROM flags f JOIN runs r ON r.trace_id = f.trace_id
       WHERE f.detector = ${detectorSql('tool_loop')} AND f.run_start_ns >= ? AND f.run_start_ns < ? AND ${countedFlag('f')}`,
    )
    .all(from, to) as BurnRow[];
  const silent = db
    .prepare(
      `SELECT NULL AS flagId, r.trace_id AS traceId, r.agent, r.service, ${detectorSql('silent_failure')} AS detector, NULL AS evidence,
         r.input_tokens + r.output_tokens AS runTokens, ${runDuration} AS runDurationMs
       FROM runs r WHERE r.start_ns >= ? AND r.start_ns < ?
         AND ${SILENT_FAILURE_RUN}`,
    )
    .all(from, to) as BurnRow[];
  return [...loops, ...silent];
}

/** Runs, failed runs and flags per `bucketMs` bucket over [fromMs, toMs); empty buckets omitted. */
function querySeries(db: Db, period: Period, bucketMs: number): BucketRow[] {
  const [from, to] = bounds(period);
  const bucketNs = BigInt(Math.floor(bucketMs)) * 1_000_000n;
  const runs = db
    .prepare(
      `SELECT (r.start_ns - ?) / ? AS bucket, COUNT(*) AS runs, SUM(${FAILED_RUN}) AS failedRuns
       FROM runs r WHERE r.start_ns >= ? AND r.start_ns < ? GROUP BY 1`,
    )
    .all(from, bucketNs, from, to) as { bucket: number; runs: number; failedRuns: number }[];
  const flags = db
    .prepare(
      `SELECT (run_start_ns - ?) / ? AS bucket, COUNT(*) AS flags FROM flags
       WHERE run_start_ns >= ? AND run_start_ns < ? AND ${countedFlag()} GROUP BY 1`,
    )
    .all(from, bucketNs, from, to) as { bucket: number; flags: number }[];
  const byBucket = new Map<number, BucketRow>();
  for (const row of runs) byBucket.set(row.bucket, { ...row, flags: 0 });
  for (const row of flags) {
    const existing = byBucket.get(row.bucket) ?? { bucket: row.bucket, runs: 0, failedRuns: 0, flags: 0 };
    existing.flags = row.flags;
    byBucket.set(row.bucket, existing);
  }
  return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
}

/** Runs per service and service.version in the period: failed and flagged (counted flags) runs. */
function queryVersionRates(db: Db, period: Period): VersionRateRow[] {
  const rows = db
    .prepare(
      `SELECT r.service AS service, r.service_version AS version, COUNT(*) AS runs,
         COALESCE(SUM(${FAILED_RUN}), 0) AS failedRuns,
         COALESCE(SUM(EXISTS (SELECT 1 FROM flags af WHERE af.trace_id = r.trace_id AND ${countedFlag('af')})), 0) AS flaggedRuns,
         MIN(r.start_ns) AS firstStartNs
       FROM runs r WHERE r.start_ns >= ? AND r.start_ns < ? AND r.service_version IS NOT NULL AND r.service_version <> ''
       GROUP BY r.service, r.service_version ORDER BY r.service, firstStartNs, r.service_version`,
    )
    .all(...bounds(period)) as { service: string; version: string; runs: number; failedRuns: number; flaggedRuns: number; firstStartNs: number | bigint }[];
  return rows.map((row) => ({
    service: row.service,
    version: row.version,
    runs: Number(row.runs),
    failedRuns: Number(row.failedRuns),
    flaggedRuns: Number(row.flaggedRuns),
    firstStartMs: Math.floor(Number(row.firstStartNs) / 1e6),
  }));
}
