import { InvalidCursorError } from './api.js';
import type { Db } from './sqlite/database.js';
import type { DetectorId, Flag, Severity, Verdict } from '../model/api.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { FLAG_COLUMNS, toFlag, type FlagRow } from './flag-reader.js';
import { createBadgeRefresher } from './flag-writer.js';
import { insertSuppression, type Suppression, type SuppressionScope } from './suppression-store.js';

export interface FlagFilter {
  detector?: DetectorId;
  severity?: Severity;
  /** `none`: not reviewed yet. */
  review?: 'none' | Verdict;
  service?: string;
  agent?: string;
  signature?: string;
  traceId?: string;
  /** Flags of runs starting at or after this instant (epoch ms; span time). */
  sinceMs?: number;
  /** Flags of runs starting before this instant (epoch ms). */
  untilMs?: number;
  limit?: number;
  cursor?: string;
}

export interface FlagPage {
  flags: Flag[];
  nextCursor: string | null;
}

export const DEFAULT_FLAG_LIMIT = 50;
export const MAX_FLAG_LIMIT = 500;

/**
 * Flags, newest run first (ties by id), with keyset pagination. Throws RangeError for a cursor
 * it did not make.
 */
export function listFlags(db: Db, filter: FlagFilter = {}): FlagPage {
  const where: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.detector) equal('detector', filter.detector);
  if (filter.severity) equal('severity', filter.severity);
  if (filter.service) equal('service', filter.service);
  if (filter.agent) equal('agent', filter.agent);
  if (filter.signature) equal('signature', filter.signature);
  if (filter.traceId) equal('trace_id', filter.traceId);
  if (filter.review === 'none') where.push('review_verdict IS NULL');
  else if (filter.review) equal('review_verdict', filter.review);
  if (filter.sinceMs !== undefined) {
    where.push('run_start_ns >= ?');
    params.push(BigInt(Math.floor(filter.sinceMs)) * 1_000_000n);
  }
  if (filter.untilMs !== undefined) {
    where.push('run_start_ns < ?');
    params.push(BigInt(Math.floor(filter.untilMs)) * 1_000_000n);
  }
  if (filter.cursor) {
    const [start = '', id = ''] = decodeCursor(filter.cursor);
    if (!/^-?\d+$/.test(start)) throw new InvalidCursorError();
    where.push('(run_start_ns < ? OR (run_start_ns = ? AND id < ?))');
    params.push(BigInt(start), BigInt(start), id);
  }
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_FLAG_LIMIT, 1), MAX_FLAG_LIMIT);
  params.push(limit + 1);
  const rows = db
    .prepare(
      `SELECT ${FLAG_COLUMNS}, CAST(run_start_ns AS TEXT) AS start_key FROM flags
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY run_start_ns DESC, id DESC LIMIT ?`,
    )
    .all(...params) as (FlagRow & { start_key: string })[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    flags: page.map(toFlag),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.start_key, last.id]) : null,
  };
}

export function getFlag(db: Db, id: string): Flag | null {
  const row = db.prepare(`SELECT ${FLAG_COLUMNS} FROM flags WHERE id = ?`).get(id) as FlagRow | undefined;
  return row === undefined ? null : toFlag(row);
}

/** The columns of a flag that suppression rules match on. */
export function getFlagScope(db: Db, id: string): { detector: DetectorId; agent: string | null; tool: string | null; signature: string } | null {
  return (
    (db.prepare('SELECT detector, agent, tool, signature FROM flags WHERE id = ?').get(id) as
      | { detector: DetectorId; agent: string | null; tool: string | null; signature: string }
      | undefined) ?? null
  );
}

/**
 * Records a person's verdict on a flag (replacing an earlier one) and refreshes its run's badges
 * (a false positive no longer counts: store/counted-flags.ts); null when no such flag.
 */
export function reviewFlag(db: Db, id: string, review: { verdict: Verdict; note?: string }, nowMs: number = Date.now()): Flag | null {
  return db.transaction(() => {
    const info = db
      .prepare('UPDATE flags SET review_verdict = ?, review_note = ?, reviewed_at_ms = ? WHERE id = ?')
      .run(review.verdict, review.note ?? '', nowMs, id);
    if (info.changes === 0) return null;
    const flag = getFlag(db, id)!;
    createBadgeRefresher(db)(flag.traceId);
    return flag;
  })();
}

/**
 * Takes back a person's verdict on a flag: the flag is unreviewed again (and counts again, see
 * store/counted-flags.ts), its run's badges refreshed. Null when no such flag; a flag that was
 * not reviewed is returned unchanged. A suppression rule made from the flag is not touched.
 */
export function clearReview(db: Db, id: string): Flag | null {
  return db.transaction(() => {
    const info = db.prepare('UPDATE flags SET review_verdict = NULL, review_note = NULL, reviewed_at_ms = NULL WHERE id = ?').run(id);
    if (info.changes === 0) return null;
    const flag = getFlag(db, id)!;
    createBadgeRefresher(db)(flag.traceId);
    return flag;
  })();
}

export class SuppressionError extends Error {
  override readonly name = 'SuppressionError';
  constructor(
    message: string,
    readonly status: 404 | 409 | 400,
  ) {
    super(message);
  }
}

/**
 * Turns a flag reviewed as a false positive into a suppression rule for its agent, its tool or
 * its signature: future analyses do not raise flags of that detector matching the rule.
 * Throws SuppressionError (404 no flag, 409 not reviewed false_positive, 400 scope without a
 * value, e.g. a flag with no tool).
 */
export function createSuppression(db: Db, flagId: string, scope: SuppressionScope, note?: string, nowMs: number = Date.now()): Suppression {
  const flag = getFlagScope(db, flagId);
  if (flag === null) throw new SuppressionError(`no flag with id ${flagId}`, 404);
  const review = db.prepare('SELECT review_verdict FROM flags WHERE id = ?').pluck().get(flagId) as string | null;
  if (review !== 'false_positive') {
    throw new SuppressionError('only a flag reviewed as false_positive can become a suppression rule; review it first', 409);
  }
  const value = scope === 'agent' ? flag.agent : scope === 'tool' ? flag.tool : flag.signature;
  if (value === null || value === '') throw new SuppressionError(`this flag has no ${scope} to suppress`, 400);
  return insertSuppression(db, { detector: flag.detector, scope, value, note, fromFlagId: flagId }, nowMs);
}
