import type { Db } from './database.js';
import type { Flag, Verdict } from '../../model/api.js';
import { FLAG_COLUMNS, toFlag, type FlagRow } from './flag-rows.js';
import { createBadgeRefresher } from '../flag-writer.js';

/** The review writes of the SQLite FlagStore (sqlite-flag-store.ts): a verdict set or taken back. */

function getFlag(db: Db, id: string): Flag | null {
  const row = db.prepare(`SELECT ${FLAG_COLUMNS} FROM flags WHERE id = ?`).get(id) as FlagRow | undefined;
  return row === undefined ? null : toFlag(row);
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
