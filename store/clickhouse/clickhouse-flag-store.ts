import { InvalidCursorError, pageLimit, type FlagEntry, type FlagFilter, type FlagStore, type ReviewCounts } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { decodeCursor, encodeCursor, msToNs } from './cursor.js';
import { DEDUP_READ, FLAG_COLUMNS, latestReviews, liveFlags, readReviews, severityRank, toEntry, toFlag, type FlagRow } from './flag-rows.js';
import { sqlInt, sqlString, sqlStringList } from './sql-literal.js';
import { refreshBadges } from './run-rows.js';

/** WHERE terms (over live flags) for every field of the filter but review, limit and cursor. */
function filterTerms(filter: FlagFilter): string[] {
  const where = ['deleted = 0'];
  if (filter.detector) where.push(`detector = ${sqlString(filter.detector)}`);
  if (filter.severity) where.push(`severity = ${sqlString(filter.severity)}`);
  if (filter.service) where.push(`service = ${sqlString(filter.service)}`);
  if (filter.agent) where.push(`agent = ${sqlString(filter.agent)}`);
  if (filter.signature) where.push(`signature = ${sqlString(filter.signature)}`);
  if (filter.traceId) where.push(`trace_id = ${sqlString(filter.traceId)}`);
  if (filter.sinceMs !== undefined) where.push(`run_start_ns >= ${sqlInt(msToNs(filter.sinceMs))}`);
  if (filter.untilMs !== undefined) where.push(`run_start_ns < ${sqlInt(msToNs(filter.untilMs))}`);
  return where;
}

/** FlagStore over ClickHouse: flags and reviews replicated on every server, read locally. */
export function createClickHouseFlagStore(context: ClickHouseContext): FlagStore {
  const { connection } = context;

  /** Entries for flag rows: with their latest review and their run's name. */
  async function entries(rows: FlagRow[]): Promise<FlagEntry[]> {
    const reviews = await readReviews(context, rows.map((r) => r.id));
    const names = new Map<string, string>();
    const traceIds = [...new Set(rows.map((r) => r.trace_id))];
    if (traceIds.length > 0) {
      const runRows = await connection.select<{ trace_id: string; name: string; deleted: number; row_version: string }>(
        `SELECT trace_id, name, deleted, row_version FROM ${context.tables.runs} FINAL WHERE trace_id IN ${sqlStringList(traceIds)}`,
      );
      for (const run of runRows) if (Number(run.deleted) === 0) names.set(run.trace_id, run.name);
    }
    return rows.map((row) => toEntry(row, reviews.get(row.id), names.get(row.trace_id) ?? null));
  }

  async function byIds(ids: readonly string[]): Promise<FlagRow[]> {
    if (ids.length === 0) return [];
    return connection.select<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM ${liveFlags(context)} WHERE deleted = 0 AND id IN ${sqlStringList(ids)}`, DEDUP_READ);
  }

  return {
    async listFlags(filter = {}) {
      const where = filterTerms(filter);
      const state = filter.review ?? 'any';
      if (state === 'unreviewed') where.push(`id NOT IN (SELECT flag_id FROM ${latestReviews(context)} WHERE verdict != '')`);
      else if (state !== 'any') where.push(`id IN (SELECT flag_id FROM ${latestReviews(context)} WHERE verdict = ${sqlString(state)})`);
      if (filter.cursor) {
        const [start = '', id = ''] = decodeCursor(filter.cursor, 2);
        if (!/^-?\d+$/.test(start)) throw new InvalidCursorError();
        where.push(`(run_start_ns < ${start} OR (run_start_ns = ${start} AND id > ${sqlString(id)}))`);
      }
      const limit = pageLimit(filter.limit);
      const rows = await connection.select<FlagRow>(
        `SELECT ${FLAG_COLUMNS} FROM ${liveFlags(context)} WHERE ${where.join(' AND ')} ORDER BY run_start_ns DESC, id ASC LIMIT ${limit + 1}`,
        DEDUP_READ,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        entries: await entries(page),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor([String(last.run_start_ns), last.id]) : null,
      };
    },
    async countFlagsByReview(filter = {}) {
      const where = filterTerms(filter);
      const rows = await connection.select<{ state: string; n: string }>(
        `SELECT if(ifNull(r.verdict, '') = '', 'unreviewed', r.verdict) AS state, count() AS n
         FROM (SELECT id FROM ${liveFlags(context)} WHERE ${where.join(' AND ')}) AS f
         ANY LEFT JOIN (SELECT flag_id AS id, verdict FROM ${latestReviews(context)}) AS r USING id
         GROUP BY state`,
        { ...DEDUP_READ, join_use_nulls: 1 },
      );
      const counts: ReviewCounts = { unreviewed: 0, confirmed: 0, false_positive: 0 };
      for (const row of rows) if (row.state in counts) counts[row.state as keyof ReviewCounts] += Number(row.n);
      return counts;
    },
    async listFlagsOfTrace(traceId) {
      const rows = await connection.select<FlagRow>(
        `SELECT ${FLAG_COLUMNS} FROM ${liveFlags(context)} WHERE deleted = 0 AND trace_id = ${sqlString(traceId)}`,
        DEDUP_READ,
      );
      rows.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || cmp(a.detector, b.detector) || cmp(a.id, b.id));
      const reviews = await readReviews(context, rows.map((r) => r.id));
      return rows.map((row) => toFlag(row, reviews.get(row.id)));
    },
    async getFlag(id) {
      const rows = await byIds([id]);
      return rows.length === 0 ? null : (await entries(rows))[0]!;
    },
    async getFlags(ids) {
      const rows = await byIds(ids);
      const found = new Map((await entries(rows)).map((entry) => [entry.flag.id, entry]));
      return ids.map((id) => found.get(id)).filter((entry): entry is FlagEntry => entry !== undefined);
    },
    async reviewFlag(id, review, nowMs = Date.now()) {
      const rows = await byIds([id]);
      if (rows.length === 0) return null;
      await connection.insert(
        context.tables.reviews,
        [{ flag_id: id, verdict: review.verdict, note: review.note ?? '', reviewed_at_ms: nowMs, row_version: context.nextVersion() }],
        context.writeSettings,
      );
      await context.withRunLock(() => refreshBadges(context, [rows[0]!.trace_id]));
      return toFlag(rows[0]!, { flag_id: id, verdict: review.verdict, note: review.note ?? '', reviewed_at_ms: nowMs });
    },
    async clearReview(id) {
      const rows = await byIds([id]);
      if (rows.length === 0) return null;
      const reviews = await readReviews(context, [id]);
      if (!reviews.has(id)) return toFlag(rows[0]!, undefined);
      // The latest review row with an empty verdict is "no verdict" (reviews are replaced, not deleted).
      await connection.insert(
        context.tables.reviews,
        [{ flag_id: id, verdict: '', note: '', reviewed_at_ms: Date.now(), row_version: context.nextVersion() }],
        context.writeSettings,
      );
      await context.withRunLock(() => refreshBadges(context, [rows[0]!.trace_id]));
      return toFlag(rows[0]!, undefined);
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
