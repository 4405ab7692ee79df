import { InvalidCursorError } from './api.js';
import type { Db } from './sqlite/database.js';
import type { Run, Session } from '../model/api.js';
import { totalCost, type ModelUsage, type PriceList } from '../model/pricing/price-list.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { getRunsByIds } from './run-reader.js';
import { countedFlag } from './counted-flags.js';

export interface SessionFilter {
  service?: string;
  agent?: string;
  /** Sessions with a run starting at or after this instant (epoch ms). */
  sinceMs?: number;
  /** Only runs starting before this instant count as the session's latest activity (epoch ms). */
  untilMs?: number;
  limit?: number;
  cursor?: string;
}

export interface SessionPage {
  sessions: Session[];
  nextCursor: string | null;
}

/** Most runs listed for one session (its first ones); the runs list filtered by session has all. */
export const MAX_SESSION_RUNS = 500;

/**
 * Sessions (runs sharing a session id), the most recently active first: ordered by their latest
 * run's start, then session id. Keyset pages; a RangeError for a cursor it did not make.
 *
 * How: walk the runs that have a session id newest first (index runs_session_recent); the first
 * time a session id is met is its latest run. Then each listed session is totalled over all its
 * runs (index runs_session_start). Filters restrict which runs are walked.
 */
export function listSessions(db: Db, filter: SessionFilter, prices: PriceList): SessionPage {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const where = ['session_id IS NOT NULL'];
  const params: unknown[] = [];
  if (filter.service) {
    where.push('service = ?');
    params.push(filter.service);
  }
  if (filter.agent) {
    where.push('agent = ?');
    params.push(filter.agent);
  }
  if (filter.sinceMs !== undefined) {
    where.push('start_ns >= ?');
    params.push(BigInt(Math.floor(filter.sinceMs)) * 1_000_000n);
  }
  if (filter.untilMs !== undefined) {
    where.push('start_ns < ?');
    params.push(BigInt(Math.floor(filter.untilMs)) * 1_000_000n);
  }
  let after: { startNs: bigint; sessionId: string } | null = null;
  if (filter.cursor) {
    const [startText = '', sessionId = ''] = decodeCursor(filter.cursor);
    if (!/^\d{1,20}$/.test(startText)) throw new InvalidCursorError();
    after = { startNs: BigInt(startText), sessionId };
    where.push('start_ns <= ?');
    params.push(after.startNs);
  }
  const walk = db
    .prepare(`SELECT session_id, start_ns FROM runs INDEXED BY runs_session_recent WHERE ${where.join(' AND ')} ORDER BY start_ns DESC, session_id DESC`)
    .safeIntegers(true);
  const seen = new Set<string>();
  const found: { sessionId: string; latestNs: bigint }[] = [];
  for (const row of walk.iterate(...params) as Iterable<{ session_id: string; start_ns: bigint }>) {
    if (seen.has(row.session_id)) continue;
    seen.add(row.session_id);
    // Sessions at or before the cursor's position were on earlier pages.
    if (after !== null && (row.start_ns > after.startNs || (row.start_ns === after.startNs && row.session_id >= after.sessionId))) continue;
    found.push({ sessionId: row.session_id, latestNs: row.start_ns });
    if (found.length > limit) break;
  }
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    sessions: page.flatMap(({ sessionId }) => {
      const session = summarizeSession(db, sessionId, prices);
      return session === null ? [] : [session];
    }),
    nextCursor: found.length > limit && last !== undefined ? encodeCursor([last.latestNs.toString(), last.sessionId]) : null,
  };
}

/** One session and its runs in time order (at most MAX_SESSION_RUNS); null when no run has the id. */
export function getSession(db: Db, sessionId: string, prices: PriceList): { session: Session; runs: Run[] } | null {
  const session = summarizeSession(db, sessionId, prices);
  if (session === null) return null;
  const ids = (
    db.prepare('SELECT trace_id FROM runs WHERE session_id = ? ORDER BY start_ns, trace_id LIMIT ?').raw(true).all(sessionId, MAX_SESSION_RUNS) as [string][]
  ).map(([traceId]) => traceId);
  return { session, runs: getRunsByIds(db, ids, prices) };
}

function summarizeSession(db: Db, sessionId: string, prices: PriceList): Session | null {
  const totals = db
    .prepare(
      `SELECT COUNT(*) AS runs,
         SUM(EXISTS (SELECT 1 FROM flags f WHERE f.trace_id = r.trace_id AND ${countedFlag('f')})) AS flagged,
         MIN(start_ns) AS start_ns, MAX(end_ns) AS end_ns, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens
       FROM runs r WHERE session_id = ?`,
    )
    .safeIntegers(false)
    .get(sessionId) as { runs: number; flagged: number | null; start_ns: number | null; end_ns: number | null; input_tokens: number | null; output_tokens: number | null };
  if (totals.runs === 0 || totals.start_ns === null || totals.end_ns === null) return null;
  const first = db.prepare('SELECT service, agent FROM runs WHERE session_id = ? ORDER BY start_ns LIMIT 1').get(sessionId) as { service: string; agent: string | null };
  const usages = db
    .prepare(
      `SELECT m.model, SUM(m.input_tokens) AS inputTokens, SUM(m.output_tokens) AS outputTokens, SUM(m.cached_input_tokens) AS cachedInputTokens
       FROM runs r JOIN run_models m ON m.trace_id = r.trace_id WHERE r.session_id = ? GROUP BY m.model`,
    )
    .all(sessionId) as ModelUsage[];
  return {
    sessionId,
    service: first.service,
    agent: first.agent,
    runCount: totals.runs,
    flaggedRunCount: totals.flagged ?? 0,
    startTime: new Date(totals.start_ns / 1e6).toISOString(),
    endTime: new Date(totals.end_ns / 1e6).toISOString(),
    inputTokens: totals.input_tokens ?? 0,
    outputTokens: totals.output_tokens ?? 0,
    costUsd: totalCost(usages, prices),
  };
}
