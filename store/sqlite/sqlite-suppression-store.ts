import type { Db } from './database.js';
import type { SilencedFlag, SuppressionStore } from '../api.js';
import { deleteSuppression, getSuppression, insertSuppression, listSuppressions, suppressionVersion } from '../suppression-store.js';

interface SilencedRow {
  trace_id: string;
  flag_id: string;
  rule_id: string;
  detector: SilencedFlag['detector'];
  severity: SilencedFlag['severity'];
  summary: string;
  at_ms: number;
}

/**
 * SuppressionStore over SQLite: table suppressions (unique on detector + scope + value) and the
 * flags rules silenced, silenced_flags (migration 0027; one row per run and would-be flag id).
 */
export function createSqliteSuppressionStore(db: Db): SuppressionStore {
  const upsertSilenced = db.prepare(
    `INSERT INTO silenced_flags (trace_id, flag_id, rule_id, detector, severity, summary, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (trace_id, flag_id) DO UPDATE SET rule_id = excluded.rule_id, severity = excluded.severity, summary = excluded.summary`,
  );
  const silencedOf = db.prepare('SELECT * FROM silenced_flags WHERE trace_id = ? ORDER BY at_ms DESC, flag_id');
  const countByRule = db.prepare('SELECT rule_id, COUNT(*) AS n FROM silenced_flags GROUP BY rule_id');
  const recordAll = db.transaction((flags: readonly Omit<SilencedFlag, 'atMs'>[], nowMs: number) => {
    for (const flag of flags) upsertSilenced.run(flag.traceId, flag.flagId, flag.ruleId, flag.detector, flag.severity, flag.summary, nowMs);
  });
  return {
    listSuppressions: async () => listSuppressions(db),
    getSuppression: async (id) => getSuppression(db, id),
    addSuppression: async (rule, nowMs) => insertSuppression(db, rule, nowMs),
    deleteSuppression: async (id) => deleteSuppression(db, id),
    suppressionsVersion: async () => suppressionVersion(db),
    async recordSilencedFlags(flags, nowMs) {
      if (flags.length > 0) recordAll(flags, nowMs);
    },
    async listSilencedFlags(traceId) {
      return (silencedOf.all(traceId) as SilencedRow[]).map((row) => ({
        traceId: row.trace_id,
        flagId: row.flag_id,
        detector: row.detector,
        severity: row.severity,
        summary: row.summary,
        ruleId: row.rule_id,
        atMs: Number(row.at_ms),
      }));
    },
    async countSilencedByRule() {
      const counts: Record<string, number> = {};
      for (const row of countByRule.all() as { rule_id: string; n: number }[]) counts[row.rule_id] = Number(row.n);
      return counts;
    },
  };
}
