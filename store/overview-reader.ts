import { countedFlag } from './counted-flags.js';
import type { Db } from './sqlite/database.js';
import type { DetectorId, Severity } from '../model/api.js';
import { listToolCallCounts } from './latency-reader.js';

/**
 * Reads for the web view's overview: runs and flags over time, the worst agents and tools, and
 * the latest flags. Every figure is taken by span time (a run's start), not arrival time, over
 * the half-open window [sinceMs, untilMs).
 */

import type { AgentScore, LatestFlag, Overview, OverviewTotals, OverviewWindow, TimeBucket, ToolScore } from './api.js';
// The shapes are the RunQueries contract's (store/api.ts); re-exported for this reader's callers.
export type { AgentScore, LatestFlag, Overview, OverviewTotals, OverviewWindow, TimeBucket, ToolScore };

const NS_PER_MS = 1_000_000n;

/** Everything the overview page shows, in a handful of indexed queries. */
export function readOverview(db: Db, window: OverviewWindow, options: { top?: number; latest?: number } = {}): Overview {
  const top = options.top ?? 6;
  const latest = options.latest ?? 10;
  const bucketMs = Math.max(1, Math.floor(window.bucketMs));
  const sinceNs = BigInt(Math.floor(window.sinceMs)) * NS_PER_MS;
  const untilNs = BigInt(Math.floor(window.untilMs)) * NS_PER_MS;
  const bucketNs = BigInt(bucketMs) * NS_PER_MS;
  const bucketCount = Math.max(1, Math.ceil((window.untilMs - window.sinceMs) / bucketMs));

  const buckets: TimeBucket[] = Array.from({ length: bucketCount }, (_, index) => ({
    startMs: window.sinceMs + index * bucketMs,
    runs: 0,
    errorRuns: 0,
    flaggedRuns: 0,
    flags: {},
  }));

  const runRows = db
    .prepare(
      `SELECT (start_ns - ?) / ? AS bucket, COUNT(*) AS runs,
         SUM(status = 'error') AS error_runs, SUM(flag_badges <> '[]') AS flagged_runs,
         SUM(llm_call_count) AS llm_calls, SUM(tool_call_count) AS tool_calls,
         SUM(input_tokens + output_tokens) AS tokens
       FROM runs WHERE start_ns >= ? AND start_ns < ? GROUP BY bucket`,
    )
    .safeIntegers(false)
    .all(sinceNs, bucketNs, sinceNs, untilNs) as {
    bucket: number;
    runs: number;
    error_runs: number;
    flagged_runs: number;
    llm_calls: number;
    tool_calls: number;
    tokens: number;
  }[];
  const totals: OverviewTotals = {
    runs: 0,
    errorRuns: 0,
    flaggedRuns: 0,
    flags: 0,
    unreviewedFlags: 0,
    flagsByDetector: {},
    llmCalls: 0,
    toolCalls: 0,
    tokens: 0,
  };
  for (const row of runRows) {
    const bucket = buckets[Math.min(bucketCount - 1, Math.max(0, Math.floor(row.bucket)))]!;
    bucket.runs += row.runs;
    bucket.errorRuns += row.error_runs;
    bucket.flaggedRuns += row.flagged_runs;
    totals.runs += row.runs;
    totals.errorRuns += row.error_runs;
    totals.flaggedRuns += row.flagged_runs;
    totals.llmCalls += row.llm_calls;
    totals.toolCalls += row.tool_calls;
    totals.tokens += row.tokens;
  }

  const flagRows = db
    .prepare(
      `SELECT (run_start_ns - ?) / ? AS bucket, detector, COUNT(*) AS flags,
         SUM(review_verdict IS NULL) AS unreviewed
       FROM flags WHERE run_start_ns >= ? AND run_start_ns < ? AND ${countedFlag()} GROUP BY bucket, detector`,
    )
    .safeIntegers(false)
    .all(sinceNs, bucketNs, sinceNs, untilNs) as { bucket: number; detector: DetectorId; flags: number; unreviewed: number }[];
  for (const row of flagRows) {
    const bucket = buckets[Math.min(bucketCount - 1, Math.max(0, Math.floor(row.bucket)))]!;
    bucket.flags[row.detector] = (bucket.flags[row.detector] ?? 0) + row.flags;
    totals.flags += row.flags;
    totals.unreviewedFlags += row.unreviewed;
    totals.flagsByDetector[row.detector] = (totals.flagsByDetector[row.detector] ?? 0) + row.flags;
  }

  const worstAgents = db
    .prepare(
      `SELECT COALESCE(agent, name) AS agent, service, COUNT(*) AS runs,
         SUM(flag_badges <> '[]') AS flagged_runs, SUM(status = 'error') AS error_runs
       FROM runs WHERE start_ns >= ? AND start_ns < ?
       GROUP BY COALESCE(agent, name), service
       HAVING flagged_runs > 0 OR error_runs > 0
       ORDER BY flagged_runs + error_runs DESC, runs DESC, agent LIMIT ?`,
    )
    .safeIntegers(false)
    .all(sinceNs, untilNs, top)
    .map((row) => {
      const r = row as { agent: string; service: string; runs: number; flagged_runs: number; error_runs: number };
      return { agent: r.agent, service: r.service, runs: r.runs, flaggedRuns: r.flagged_runs, errorRuns: r.error_runs };
    });

  // Tools: the calls flags point at (via flags.span_ids), plus tool calls that ended in error.
  const flaggedTools = db
    .prepare(
      `SELECT json_extract(s.tool, '$.name') AS tool_name, COUNT(DISTINCT f.id) AS flags
       FROM flags f, json_each(f.span_ids) j
       JOIN spans s ON s.trace_id = f.trace_id AND s.span_id = j.value
       WHERE f.run_start_ns >= ? AND f.run_start_ns < ? AND s.kind = 'tool' AND ${countedFlag('f')}
       GROUP BY tool_name`,
    )
    .safeIntegers(false)
    .all(sinceNs, untilNs) as { tool_name: string | null; flags: number }[];
  const toolScores = new Map<string, ToolScore>();
  for (const row of flaggedTools) {
    if (row.tool_name === null) continue;
    toolScores.set(row.tool_name, { tool: row.tool_name, calls: 0, errors: 0, flags: row.flags });
  }
  const toolCalls = listToolCallCounts(db, window.sinceMs, window.untilMs);
  for (const row of toolCalls) {
    const score = toolScores.get(row.tool);
    if (score !== undefined) {
      score.calls = row.calls;
      score.errors = row.errors;
    } else if (row.errors > 0) {
      toolScores.set(row.tool, { tool: row.tool, calls: row.calls, errors: row.errors, flags: 0 });
    }
  }
  const worstTools = [...toolScores.values()]
    .sort((a, b) => b.flags + b.errors - (a.flags + a.errors) || b.calls - a.calls || a.tool.localeCompare(b.tool))
    .slice(0, top);

  const latestFlags = db
    .prepare(
      `SELECT f.id, f.trace_id, f.detector, f.severity, f.summary, f.service, f.agent, f.run_start_ns,
         f.review_verdict, r.name AS run_name
       FROM flags f LEFT JOIN runs r ON r.trace_id = f.trace_id
       WHERE f.run_start_ns >= ? AND f.run_start_ns < ?
       ORDER BY f.run_start_ns DESC, f.id LIMIT ?`,
    )
    .safeIntegers(false)
    .all(sinceNs, untilNs, latest)
    .map((row) => {
      const r = row as {
        id: string;
        trace_id: string;
        detector: DetectorId;
        severity: Severity;
        summary: string;
        service: string;
        agent: string | null;
        run_start_ns: number;
        review_verdict: string | null;
        run_name: string | null;
      };
      return {
        id: r.id,
        traceId: r.trace_id,
        detector: r.detector,
        severity: r.severity,
        summary: r.summary,
        runName: r.run_name,
        agent: r.agent,
        service: r.service,
        runStartMs: r.run_start_ns / 1e6,
        reviewVerdict: r.review_verdict,
      };
    });

  return { window: { ...window, bucketMs }, totals, buckets, worstAgents, worstTools, latestFlags };
}
