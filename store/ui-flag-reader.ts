import { InvalidCursorError } from './api.js';
import type { Db } from './sqlite/database.js';
import type { Flag } from '../model/api.js';
import { FLAG_COLUMNS, toFlag, type FlagRow } from './flag-reader.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * The web view's review queue: flags with the run they belong to, newest run first, keyset
 * paginated on (run_start_ns, id). Reads only; reviews are written by the analyser's store.
 */

export const REVIEW_STATES = ['unreviewed', 'confirmed', 'false_positive', 'any'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export interface QueueFilter {
  detector?: string;
  severity?: string;
  /** Default 'unreviewed'. */
  review?: ReviewState;
  service?: string;
  agent?: string;
  /** Flags of runs starting at or after this instant (epoch ms; span time). */
  sinceMs?: number;
  /** Flags of runs starting before this instant (epoch ms). */
  untilMs?: number;
  limit?: number;
  cursor?: string;
}

export interface QueueItem {
  flag: Flag;
  runName: string | null;
  service: string;
  agent: string | null;
  /** The run's start, epoch ms. */
  runStartMs: number;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
  /** Counts per review state under the same detector/severity/service/agent/time filter. */
  counts: Record<Exclude<ReviewState, 'any'>, number>;
}

type QueueRow = FlagRow & { run_start_ns: number | bigint; service: string; agent: string | null; run_name: string | null };

/** Throws RangeError for a cursor it did not make. */
export function listReviewQueue(db: Db, filter: QueueFilter = {}): QueuePage {
  const limit = Math.min(Math.max(filter.limit ?? 25, 1), 200);
  const review = filter.review ?? 'unreviewed';
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.detector) {
    where.push('f.detector = ?');
    params.push(filter.detector);
  }
  if (filter.severity) {
    where.push('f.severity = ?');
    params.push(filter.severity);
  }
  if (filter.service) {
    where.push('f.service = ?');
    params.push(filter.service);
  }
  if (filter.agent) {
    where.push('f.agent = ?');
    params.push(filter.agent);
  }
  if (filter.sinceMs !== undefined) {
    where.push('f.run_start_ns >= ?');
    params.push(BigInt(Math.floor(filter.sinceMs)) * 1_000_000n);
  }
  if (filter.untilMs !== undefined) {
    where.push('f.run_start_ns < ?');
    params.push(BigInt(Math.floor(filter.untilMs)) * 1_000_000n);
  }
  const baseWhere = [...where];
  const baseParams = [...params];
  if (review === 'unreviewed') where.push('f.review_verdict IS NULL');
  else if (review !== 'any') {
    where.push('f.review_verdict = ?');
    params.push(review);
  }
  if (filter.cursor) {
    const [startText = '', id = ''] = decodeCursor(filter.cursor);
    if (!/^\d+$/.test(startText)) throw new InvalidCursorError();
    where.push('(f.run_start_ns < ? OR (f.run_start_ns = ? AND f.id > ?))');
    params.push(BigInt(startText), BigInt(startText), id);
  }
  const columns = FLAG_COLUMNS.split(',')
    .map((column) => `f.${column.trim()}`)
    .join(', ');
  const rows = db
    .prepare(
      `SELECT ${columns}, CAST(f.run_start_ns AS TEXT) AS run_start_ns, f.service, f.agent, r.name AS run_name
       FROM flags f LEFT JOIN runs r ON r.trace_id = f.trace_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY f.run_start_ns DESC, f.id ASC LIMIT ?`,
    )
    .all(...params, limit + 1) as QueueRow[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor([String(last.run_start_ns), last.id]) : null;

  const countRow = db
    .prepare(
      `SELECT SUM(review_verdict IS NULL) AS unreviewed, SUM(review_verdict = 'confirmed') AS confirmed,
         SUM(review_verdict = 'false_positive') AS false_positive
       FROM flags f ${baseWhere.length > 0 ? `WHERE ${baseWhere.join(' AND ')}` : ''}`,
    )
    .get(...baseParams) as { unreviewed: number | null; confirmed: number | null; false_positive: number | null };

  return {
    items: page.map((row) => ({
      flag: toFlag(row),
      runName: row.run_name,
      service: row.service,
      agent: row.agent,
      runStartMs: Number(BigInt(String(row.run_start_ns)) / 1_000_000n),
    })),
    nextCursor,
    counts: {
      unreviewed: countRow.unreviewed ?? 0,
      confirmed: countRow.confirmed ?? 0,
      false_positive: countRow.false_positive ?? 0,
    },
  };
}
