import type { DetectorId, Flag, RunFlagBadge, Severity, Verdict } from '../../model/api.js';
import type { FlagEntry } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { sqlStringList } from './sql-literal.js';

/** One row of `flags` as read and written. */
export interface FlagRow {
  id: string;
  trace_id: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  span_ids: string;
  evidence: string;
  signature: string;
  service: string;
  agent: string | null;
  tool: string | null;
  run_start_ns: string;
  created_at_ms: number | string;
  deleted: number;
  row_version: number | string;
}

export interface ReviewRow {
  flag_id: string;
  verdict: Verdict;
  note: string;
  reviewed_at_ms: number | string;
}

export const FLAG_COLUMNS = 'id, trace_id, detector, severity, summary, span_ids, evidence, signature, service, agent, tool, run_start_ns, created_at_ms, deleted, row_version';

/**
 * The live flags (latest version of each id, tombstones left out) as a subquery. FINAL
 * deduplicates; the outer WHERE runs after it (the store's reads pass optimize_move_to_prewhere = 0
 * so no filter on a changing column is moved before the merge).
 */
export function liveFlags(context: ClickHouseContext, where = ''): string {
  return `(SELECT ${FLAG_COLUMNS} FROM ${context.tables.flags} FINAL${where ? ` WHERE ${where}` : ''})`;
}

/** The latest review of each flag as a subquery (flag_id, verdict, note, reviewed_at_ms). */
export function latestReviews(context: ClickHouseContext): string {
  return `(SELECT flag_id, argMax(verdict, row_version) AS verdict, argMax(note, row_version) AS note,
    argMax(reviewed_at_ms, row_version) AS reviewed_at_ms FROM ${context.tables.reviews} GROUP BY flag_id)`;
}

/** Settings for reads of replacing tables whose filtered columns change (see liveFlags). */
export const DEDUP_READ = { optimize_move_to_prewhere: 0 } as const;

export async function readReviews(context: ClickHouseContext, flagIds: readonly string[]): Promise<Map<string, ReviewRow>> {
  const out = new Map<string, ReviewRow>();
  if (flagIds.length === 0) return out;
  const rows = await context.connection.select<ReviewRow>(
    `SELECT flag_id, verdict, note, reviewed_at_ms FROM ${latestReviews(context)} WHERE flag_id IN ${sqlStringList(flagIds)}`,
  );
  for (const row of rows) if (row.verdict) out.set(row.flag_id, row);
  return out;
}

export function toFlag(row: FlagRow, review: ReviewRow | undefined): Flag {
  return {
    id: row.id,
    traceId: row.trace_id,
    spanIds: JSON.parse(row.span_ids) as string[],
    detector: row.detector,
    severity: row.severity,
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    createdAt: new Date(Number(row.created_at_ms)).toISOString(),
    review: review === undefined ? null : { verdict: review.verdict, note: review.note, at: new Date(Number(review.reviewed_at_ms)).toISOString() },
  };
}

export function toEntry(row: FlagRow, review: ReviewRow | undefined, runName: string | null): FlagEntry {
  return {
    flag: toFlag(row, review),
    service: row.service,
    agent: row.agent,
    tool: row.tool,
    signature: row.signature,
    runStartMs: Number(BigInt(row.run_start_ns) / 1_000_000n),
    runName,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** A run's badges: one per detector with its highest severity, most severe first. */
export function badgesOf(flags: readonly { detector: DetectorId; severity: Severity }[]): RunFlagBadge[] {
  const best = new Map<DetectorId, Severity>();
  for (const flag of flags) {
    const current = best.get(flag.detector);
    if (current === undefined || SEVERITY_RANK[flag.severity] < SEVERITY_RANK[current]) best.set(flag.detector, flag.severity);
  }
  return [...best]
    .map(([detector, severity]) => ({ detector, severity }))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.detector.localeCompare(b.detector));
}

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity] ?? 3;
}

/** SQL condition on a flags row (column `id`): false unless a person reviewed it as a false positive (store/counted-flags.ts). */
export function countedFlag(context: ClickHouseContext): string {
  return `id NOT IN (SELECT flag_id FROM ${latestReviews(context)} WHERE verdict = 'false_positive')`;
}

/**
 * The badges of these runs from their stored flags that count (not reviewed false positive),
 * by trace id; a run without such flags gets [].
 */
export async function countedBadges(context: ClickHouseContext, traceIds: readonly string[]): Promise<Map<string, RunFlagBadge[]>> {
  const out = new Map<string, RunFlagBadge[]>(traceIds.map((id) => [id, []]));
  if (traceIds.length === 0) return out;
  const rows = await context.connection.select<{ trace_id: string; detector: DetectorId; severity: Severity }>(
    `SELECT trace_id, detector, severity FROM ${liveFlags(context)} WHERE deleted = 0 AND trace_id IN ${sqlStringList(traceIds)} AND ${countedFlag(context)}`,
    DEDUP_READ,
  );
  const byTrace = new Map<string, { detector: DetectorId; severity: Severity }[]>();
  for (const row of rows) byTrace.set(row.trace_id, [...(byTrace.get(row.trace_id) ?? []), row]);
  for (const [traceId, flags] of byTrace) out.set(traceId, badgesOf(flags));
  return out;
}
