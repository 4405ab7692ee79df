import type { Db } from './sqlite/database.js';
import type { DetectorId } from '../model/api.js';
import { fnv1a64 } from '../model/hash.js';

export const SUPPRESSION_SCOPES = ['agent', 'tool', 'signature'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

/** A rule that keeps a detector from raising flags for one agent, one tool, or one signature. */
export interface Suppression {
  id: string;
  detector: DetectorId;
  scope: SuppressionScope;
  /** The agent name, tool name or flag signature it matches. */
  value: string;
  note: string;
  fromFlagId: string | null;
  createdAt: string;
  createdBy: string | null;
}

interface SuppressionRow {
  id: string;
  detector: DetectorId;
  scope: SuppressionScope;
  value: string;
  note: string;
  from_flag_id: string | null;
  created_at_ms: number;
  created_by: string | null;
}

function toSuppression(row: SuppressionRow): Suppression {
  return {
    id: row.id,
    detector: row.detector,
    scope: row.scope,
    value: row.value,
    note: row.note,
    fromFlagId: row.from_flag_id,
    createdAt: new Date(row.created_at_ms).toISOString(),
    createdBy: row.created_by ?? null,
  };
}

export function listSuppressions(db: Db): Suppression[] {
  return (db.prepare('SELECT * FROM suppressions ORDER BY created_at_ms DESC, id').all() as SuppressionRow[]).map(toSuppression);
}

export function getSuppression(db: Db, id: string): Suppression | null {
  const row = db.prepare('SELECT * FROM suppressions WHERE id = ?').get(id) as SuppressionRow | undefined;
  return row === undefined ? null : toSuppression(row);
}

/**
 * Creates (or returns the existing identical) rule. The id is stable: fnv1a64 of detector,
 * scope and value.
 */
export function insertSuppression(
  db: Db,
  rule: { detector: DetectorId; scope: SuppressionScope; value: string; note?: string; fromFlagId?: string | null; createdBy?: string | null },
  nowMs: number = Date.now(),
): Suppression {
  const id = fnv1a64(`${rule.detector}\u0000${rule.scope}\u0000${rule.value}`);
  db.prepare(
    `INSERT INTO suppressions (id, detector, scope, value, note, from_flag_id, created_at_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (detector, scope, value) DO NOTHING`,
  ).run(id, rule.detector, rule.scope, rule.value, rule.note ?? '', rule.fromFlagId ?? null, nowMs, rule.createdBy ?? null);
  return getSuppression(db, id)!;
}

/** Deletes a rule; false when there was none with that id. */
export function deleteSuppression(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0;
}

/** Monotonic counter of rule changes in this database, to know when a cached matcher is stale. */
export function suppressionVersion(db: Db): string {
  const row = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(created_at_ms), 0) AS m, COALESCE(group_concat(id), \'\') AS ids FROM suppressions').get() as {
    n: number;
    m: number;
    ids: string;
  };
  return `${row.n}:${row.m}:${fnv1a64(row.ids)}`;
}
