import { countedFlag } from './counted-flags.js';
import type { Db } from './sqlite/database.js';
import type { DetectorId, Flag, RunFlagBadge, Severity } from '../model/api.js';
import type { FlagRecord } from './api.js';

export type { FlagRecord };
import { FLAG_COLUMNS, toFlag, type FlagRow } from './sqlite/flag-rows.js';


export interface ReplaceFlagsResult {
  /** Flags that did not exist before this call (stored), in API shape. */
  raised: Flag[];
  /** Flags kept from an earlier analysis (updated in place; their reviews kept). */
  kept: number;
  /** Flags of an earlier analysis no longer found, deleted. */
  removed: number;
  /** False when the run's span count moved away from `spanCount` (it stays pending). */
  current: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The run's badges: one per detector, with its highest severity, most severe first. */
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

/**
 * Returns a function that sets a run's badges (runs.flag_badges) from its stored flags that
 * count: every flag except those reviewed as false positives (store/counted-flags.ts). Call it
 * after a trace's flags or their reviews change, inside the caller's transaction.
 */
export function createBadgeRefresher(db: Db): (traceId: string) => void {
  const counted = db.prepare(`SELECT detector, severity FROM flags WHERE trace_id = ? AND ${countedFlag()}`);
  const update = db.prepare('UPDATE runs SET flag_badges = ? WHERE trace_id = ?');
  return (traceId) => {
    const badges = badgesOf(counted.all(traceId) as { detector: DetectorId; severity: Severity }[]);
    update.run(JSON.stringify(badges), traceId);
  };
}

/**
 * Prepares the statements once. `replaceFlags` makes a trace's stored flags equal the given
 * set: new ids are inserted, existing ids updated in place (created_at and review kept, so
 * reviews survive re-analysis), unreviewed ids no longer produced are deleted (reviewed ones are
 * kept as the reviewer's record); then the run's analysed mark and its badges (from the flags that count) are set. Call it inside the caller's transaction.
 */
export function createFlagWriter(db: Db): {
  replaceFlags(traceId: string, flags: readonly FlagRecord[], nowMs: number, spanCount?: number): ReplaceFlagsResult;
} {
  const existing = db.prepare('SELECT id, detector, severity, review_verdict FROM flags WHERE trace_id = ?');
  const refreshBadges = createBadgeRefresher(db);
  const insert = db.prepare(
    `INSERT INTO flags (id, trace_id, detector, severity, summary, span_ids, evidence, signature, service, agent, tool,
       run_start_ns, created_at_ms)
     VALUES (@id, @traceId, @detector, @severity, @summary, @spanIds, @evidence, @signature, @service, @agent, @tool,
       @runStartNs, @createdAtMs)
     ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, summary = excluded.summary, span_ids = excluded.span_ids,
       evidence = excluded.evidence, signature = excluded.signature, service = excluded.service, agent = excluded.agent,
       tool = excluded.tool, run_start_ns = excluded.run_start_ns`,
  );
  const remove = db.prepare('DELETE FROM flags WHERE id = ?');
  const select = db.prepare(`SELECT ${FLAG_COLUMNS} FROM flags WHERE id = ?`);
  // Marked analysed only if no span arrived since the trace was read (its span count is unchanged).
  const markRun = db.prepare(
    `UPDATE runs SET analyzed_at_ms = ?, analyzed = CASE WHEN ? IS NULL OR span_count = ? THEN 1 ELSE analyzed END
     WHERE trace_id = ? RETURNING analyzed`,
  );

  return {
    replaceFlags(traceId, flags, nowMs, spanCount) {
      const rows = existing.all(traceId) as { id: string; detector: DetectorId; severity: Severity; review_verdict: string | null }[];
      const before = new Set(rows.map((row) => row.id));
      const raised: Flag[] = [];
      let kept = 0;
      const produced = new Set<string>();
      for (const flag of flags) {
        if (produced.has(flag.id)) continue;
        produced.add(flag.id);
        insert.run({
          id: flag.id,
          traceId,
          detector: flag.detector,
          severity: flag.severity,
          summary: flag.summary,
          spanIds: JSON.stringify(flag.spanIds),
          evidence: JSON.stringify(flag.evidence),
          signature: flag.signature,
          service: flag.service,
          agent: flag.agent,
          tool: flag.tool,
          runStartNs: flag.runStartNs,
          createdAtMs: nowMs,
        });
        if (before.has(flag.id)) kept++;
        else raised.push(toFlag(select.get(flag.id) as FlagRow));
      }
      let removed = 0;
      for (const row of rows) {
        if (produced.has(row.id)) continue;
        // A flag a person reviewed is their record: it stays even when no longer produced.
        if (row.review_verdict !== null) continue;
        remove.run(row.id);
        removed++;
      }
      const marked = markRun.get(nowMs, spanCount ?? null, spanCount ?? null, traceId) as { analyzed: number } | undefined;
      refreshBadges(traceId);
      return { raised, kept, removed, current: marked === undefined || Number(marked.analyzed) === 1 };
    },
  };
}
