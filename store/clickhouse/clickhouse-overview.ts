import type { DetectorId, Severity } from '../../model/api.js';
import type { Overview, OverviewTotals, OverviewWindow, TimeBucket, ToolScore } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { msToNs } from './cursor.js';
import { DEDUP_READ, countedFlag, latestReviews } from './flag-rows.js';
import { RUN_COLUMNS } from './run-rows.js';
import { sqlInt, sqlStringList } from './sql-literal.js';

/** The overview page's figures by span time over [since, until): the same rules as on SQLite. */
export async function readOverview(context: ClickHouseContext, window: OverviewWindow, options: { top?: number; latest?: number } = {}): Promise<Overview> {
  const { connection, tables } = context;
  const top = options.top ?? 6;
  const latest = options.latest ?? 10;
  const bucketMs = Math.max(1, Math.floor(window.bucketMs));
  const sinceNs = sqlInt(msToNs(window.sinceMs));
  const untilNs = sqlInt(msToNs(window.untilMs));
  const bucketNs = sqlInt(BigInt(bucketMs) * 1_000_000n);
  const bucketCount = Math.max(1, Math.ceil((window.untilMs - window.sinceMs) / bucketMs));
  const buckets: TimeBucket[] = Array.from({ length: bucketCount }, (_, index) => ({
    startMs: window.sinceMs + index * bucketMs,
    runs: 0,
    errorRuns: 0,
    flaggedRuns: 0,
    flags: {},
  }));
  const bucketAt = (b: number | string) => buckets[Math.min(bucketCount - 1, Math.max(0, Math.floor(Number(b))))]!;
  const runsInWindow = `(SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL) WHERE deleted = 0 AND start_ns >= ${sinceNs} AND start_ns < ${untilNs}`;
  const flagsInWindow = `(SELECT id, trace_id, detector, severity, summary, span_ids, service, agent, run_start_ns, deleted, row_version FROM ${tables.flags} FINAL)
    WHERE deleted = 0 AND ${countedFlag(context)} AND run_start_ns >= ${sinceNs} AND run_start_ns < ${untilNs}`;

  const [runRows, flagRows, agentRows, latestRows, toolRows] = await Promise.all([
    connection.select<Record<string, string>>(
      `SELECT intDiv(start_ns - ${sinceNs}, ${bucketNs}) AS bucket, count() AS runs, countIf(status = 'error') AS error_runs,
         countIf(flag_badges != '[]') AS flagged_runs, sum(llm_call_count) AS llm_calls, sum(tool_call_count) AS tool_calls,
         sum(input_tokens + output_tokens) AS tokens
       FROM ${runsInWindow} GROUP BY bucket`,
      DEDUP_READ,
    ),
    connection.select<Record<string, string>>(
      `SELECT intDiv(run_start_ns - ${sinceNs}, ${bucketNs}) AS bucket, detector, count() AS flags,
         countIf(id NOT IN (SELECT flag_id FROM ${latestReviews(context)} WHERE verdict != '')) AS unreviewed
       FROM ${flagsInWindow} GROUP BY bucket, detector`,
      DEDUP_READ,
    ),
    connection.select<Record<string, string>>(
      `SELECT ifNull(agent, name) AS agent_name, service, count() AS runs, countIf(flag_badges != '[]') AS flagged_runs,
         countIf(status = 'error') AS error_runs
       FROM ${runsInWindow} GROUP BY agent_name, service HAVING flagged_runs > 0 OR error_runs > 0
       ORDER BY flagged_runs + error_runs DESC, runs DESC, agent_name LIMIT ${sqlInt(top)}`,
      DEDUP_READ,
    ),
    connection.select<Record<string, string | null>>(
      `SELECT id, trace_id, detector, severity, summary, service, agent, run_start_ns FROM ${flagsInWindow}
       ORDER BY run_start_ns DESC, id LIMIT ${sqlInt(latest)}`,
      DEDUP_READ,
    ),
    // Tool calls and failures by span time.
    connection.select<Record<string, string>>(
      `SELECT tool_name, count() AS calls, countIf(status = 'error') AS errors
       FROM ${tables.spans} WHERE kind = 'tool' AND tool_name != '' AND start_ns >= ${sinceNs} AND start_ns < ${untilNs}
       GROUP BY tool_name`,
    ),
  ]);

  const totals: OverviewTotals = { runs: 0, errorRuns: 0, flaggedRuns: 0, flags: 0, unreviewedFlags: 0, flagsByDetector: {}, llmCalls: 0, toolCalls: 0, tokens: 0 };
  for (const row of runRows) {
    const bucket = bucketAt(row.bucket!);
    bucket.runs += Number(row.runs);
    bucket.errorRuns += Number(row.error_runs);
    bucket.flaggedRuns += Number(row.flagged_runs);
    totals.runs += Number(row.runs);
    totals.errorRuns += Number(row.error_runs);
    totals.flaggedRuns += Number(row.flagged_runs);
    totals.llmCalls += Number(row.llm_calls);
    totals.toolCalls += Number(row.tool_calls);
    totals.tokens += Number(row.tokens);
  }
  for (const row of flagRows) {
    const detector = row.detector as DetectorId;
    const bucket = bucketAt(row.bucket!);
    bucket.flags[detector] = (bucket.flags[detector] ?? 0) + Number(row.flags);
    totals.flags += Number(row.flags);
    totals.unreviewedFlags += Number(row.unreviewed);
    totals.flagsByDetector[detector] = (totals.flagsByDetector[detector] ?? 0) + Number(row.flags);
  }

  // Flags per tool: the tool of each flagged span.
  const flagSpans = await connection.select<{ id: string; trace_id: string; span_ids: string }>(
    `SELECT id, trace_id, span_ids FROM ${flagsInWindow}`,
    DEDUP_READ,
  );
  const toolScores = new Map<string, ToolScore>();
  if (flagSpans.length > 0) {
    const wanted = new Map<string, string>();
    for (const f of flagSpans) for (const spanId of JSON.parse(f.span_ids) as string[]) wanted.set(`${f.trace_id}:${spanId}`, f.id);
    const traceIds = [...new Set(flagSpans.map((f) => f.trace_id))];
    const spans = await connection.select<{ trace_id: string; span_id: string; tool_name: string }>(
      `SELECT trace_id, span_id, tool_name FROM ${tables.spans} WHERE kind = 'tool' AND tool_name != '' AND trace_id IN ${sqlStringList(traceIds)}`,
    );
    const flagsByTool = new Map<string, Set<string>>();
    for (const span of spans) {
      const flagId = wanted.get(`${span.trace_id}:${span.span_id}`);
      if (flagId === undefined) continue;
      const name = span.tool_name;
      let set = flagsByTool.get(name);
      if (set === undefined) flagsByTool.set(name, (set = new Set()));
      set.add(flagId);
    }
    for (const [tool, set] of flagsByTool) toolScores.set(tool, { tool, calls: 0, errors: 0, flags: set.size });
  }
  for (const row of toolRows) {
    const name = row.tool_name!;
    const score = toolScores.get(name);
    if (score !== undefined) {
      score.calls = Number(row.calls);
      score.errors = Number(row.errors);
    } else if (Number(row.errors) > 0) {
      toolScores.set(name, { tool: name, calls: Number(row.calls), errors: Number(row.errors), flags: 0 });
    }
  }
  const worstTools = [...toolScores.values()]
    .sort((a, b) => b.flags + b.errors - (a.flags + a.errors) || b.calls - a.calls || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0))
    .slice(0, top);

  const names = new Map<string, string>();
  const verdicts = new Map<string, string>();
  if (latestRows.length > 0) {
    const traceList = sqlStringList(latestRows.map((r) => r.trace_id!));
    const idList = sqlStringList(latestRows.map((r) => r.id!));
    const [runNames, reviews] = await Promise.all([
      connection.select<{ trace_id: string; name: string; deleted: number }>(
        `SELECT trace_id, name, deleted, row_version FROM ${tables.runs} FINAL WHERE trace_id IN ${traceList}`,
      ),
      connection.select<{ flag_id: string; verdict: string }>(`SELECT flag_id, verdict FROM ${latestReviews(context)} WHERE flag_id IN ${idList}`),
    ]);
    for (const r of runNames) if (Number(r.deleted) === 0) names.set(r.trace_id, r.name);
    for (const r of reviews) if (r.verdict) verdicts.set(r.flag_id, r.verdict);
  }

  return {
    window,
    totals,
    buckets,
    worstAgents: agentRows.map((r) => ({
      agent: r.agent_name!,
      service: r.service!,
      runs: Number(r.runs),
      flaggedRuns: Number(r.flagged_runs),
      errorRuns: Number(r.error_runs),
    })),
    worstTools,
    latestFlags: latestRows.map((r) => ({
      id: r.id!,
      traceId: r.trace_id!,
      detector: r.detector as DetectorId,
      severity: r.severity as Severity,
      summary: r.summary!,
      runName: names.get(r.trace_id!) ?? null,
      agent: r.agent ?? null,
      service: r.service!,
      runStartMs: Number(BigInt(r.run_start_ns!)) / 1e6,
      reviewVerdict: verdicts.get(r.id!) ?? null,
    })),
  };
}

