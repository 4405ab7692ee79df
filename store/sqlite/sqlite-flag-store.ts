import type { Db } from './database.js';
import { InvalidCursorError, pageLimit, type FlagEntry, type FlagFilter, type FlagStore, type ReviewCounts } from '../api.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { clearReview, reviewFlag } from './flag-queries.js';
import { toFlag, type FlagRow as FlagColumns } from './flag-rows.js';

/** One row of `flags` (with its run's name) as read here. */
interface FlagRow extends FlagColumns {
  service: string;
  agent: string | null;
  tool: string | null;
  signature: string;
  /** run_start_ns as exact decimal text. */
  run_start: string;
  run_name: string | null;
}

const ENTRY_COLUMNS = `f.id, f.trace_id, f.detector, f.severity, f.summary, f.span_ids, f.evidence, f.created_at_ms,
  f.review_verdict, f.review_note, f.reviewed_at_ms, f.service, f.agent, f.tool, f.signature,
  CAST(f.run_start_ns AS TEXT) AS run_start, r.name AS run_name`;
const ENTRY_FROM = 'flags f LEFT JOIN runs r ON r.trace_id = f.trace_id';

function toEntry(row: FlagRow): FlagEntry {
  return {
    flag: toFlag(row),
    service: row.service,
    agent: row.agent,
    tool: row.tool,
    signature: row.signature,
    runStartMs: Number(BigInt(row.run_start) / 1_000_000n),
    runName: row.run_name,
  };
}

/** WHERE terms for every field of the filter but review, limit and cursor. */
function filterTerms(filter: FlagFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.detector) equal('f.detector', filter.detector);
  if (filter.severity) equal('f.severity', filter.severity);
  if (filter.service) equal('f.service', filter.service);
  if (filter.agent) equal('f.agent', filter.agent);
  if (filter.signature) equal('f.signature', filter.signature);
  if (filter.traceId) equal('f.trace_id', filter.traceId);
  if (filter.sinceMs !== undefined) {
    where.push('f.run_start_ns >= ?');
    params.push(BigInt(Math.floor(filter.sinceMs)) * 1_000_000n);
  }
  if (filter.untilMs !== undefined) {
    where.push('f.run_start_ns < ?');
    params.push(BigInt(Math.floor(filter.untilMs)) * 1_000_000n);
  }
  return { where, params };
}

const SEVERITY_ORDER = `CASE f.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;

/** FlagStore over SQLite: the one flag reader (order: run start descending, id ascending). */
export function createSqliteFlagStore(db: Db): FlagStore {
  const byId = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE f.id = ?`);
  const ofTrace = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE f.trace_id = ? ORDER BY ${SEVERITY_ORDER}, f.detector, f.id`);

  return {
    async listFlags(filter = {}) {
      const { where, params } = filterTerms(filter);
      const state = filter.review ?? 'any';
      if (state === 'unreviewed') where.push('f.review_verdict IS NULL');
      else if (state !== 'any') {
        where.push('f.review_verdict = ?');
        params.push(state);
      }
      if (filter.cursor) {
        const [start = '', id = ''] = decodeCursor(filter.cursor);
        if (!/^-?\d+$/.test(start)) throw new InvalidCursorError();
        where.push('(f.run_start_ns < ? OR (f.run_start_ns = ? AND f.id > ?))');
        params.push(BigInt(start), BigInt(start), id);
      }
      const limit = pageLimit(filter.limit);
      const rows = db
        .prepare(
          `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY f.run_start_ns DESC, f.id ASC LIMIT ?`,
        )
        .all(...params, limit + 1) as FlagRow[];
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        entries: page.map(toEntry),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.run_start, last.id]) : null,
      };
    },
    async countFlagsByReview(filter = {}) {
      const { where, params } = filterTerms(filter);
      const row = db
        .prepare(
          `SELECT COALESCE(SUM(f.review_verdict IS NULL), 0) AS unreviewed, COALESCE(SUM(f.review_verdict = 'confirmed'), 0) AS confirmed,
             COALESCE(SUM(f.review_verdict = 'false_positive'), 0) AS false_positive
           FROM flags f ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
        )
        .get(...params) as ReviewCounts;
      return { unreviewed: Number(row.unreviewed), confirmed: Number(row.confirmed), false_positive: Number(row.false_positive) };
    },
    async listFlagsOfTrace(traceId) {
      return (ofTrace.all(traceId) as FlagRow[]).map(toFlag);
    },
    async getFlag(id) {
      const row = byId.get(id) as FlagRow | undefined;
      return row === undefined ? null : toEntry(row);
    },
    async getFlags(ids) {
      return ids.map((id) => byId.get(id) as FlagRow | undefined).filter((row): row is FlagRow => row !== undefined).map(toEntry);
    },
    async reviewFlag(id, verdict, nowMs = Date.now()) {
      // The verdict and the run's badges (a false positive no longer counts) in one transaction.
      return reviewFlag(db, id, verdict, nowMs);
    },
    async clearReview(id) {
      return clearReview(db, id);
    },
  };
}
