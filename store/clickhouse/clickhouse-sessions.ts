import type { Run, Session } from '../../model/api.js';
import { createPriceList, totalCost, type ModelUsage, type PriceList } from '../../model/pricing/price-list.js';
import { InvalidCursorError, type SessionFilter, type SessionPage } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { decodeCursor, encodeCursor, msToNs } from './cursor.js';
import { DEDUP_READ } from './flag-rows.js';
import { RUN_COLUMNS, type RunRow } from './run-rows.js';
import { sqlInt, sqlString, sqlStringList } from './sql-literal.js';

/** Most runs listed for one session (its first ones). */
const MAX_SESSION_RUNS = 500;
const DEFAULT_PRICES = createPriceList();

/** Sessions over ClickHouse, the same rules as store/session-reader.ts. */
export function createClickHouseSessions(context: ClickHouseContext, toRun: (row: RunRow, prices?: PriceList) => Run) {
  const { connection, tables } = context;
  const live = `(SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL)`;

  async function summarize(sessionIds: readonly string[], prices: PriceList | undefined): Promise<Map<string, { session: Session; rows: RunRow[] }>> {
    const out = new Map<string, { session: Session; rows: RunRow[] }>();
    if (sessionIds.length === 0) return out;
    const rows = await connection.select<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${live} WHERE deleted = 0 AND session_id IN ${sqlStringList(sessionIds)} ORDER BY start_ns, trace_id`,
      DEDUP_READ,
    );
    const bySession = new Map<string, RunRow[]>();
    for (const row of rows) bySession.set(row.session_id!, [...(bySession.get(row.session_id!) ?? []), row]);
    for (const [sessionId, runs] of bySession) {
      const usages = new Map<string, ModelUsage>();
      let start = BigInt(runs[0]!.start_ns);
      let end = BigInt(runs[0]!.end_ns);
      let input = 0;
      let output = 0;
      let flagged = 0;
      for (const run of runs) {
        if (BigInt(run.start_ns) < start) start = BigInt(run.start_ns);
        if (BigInt(run.end_ns) > end) end = BigInt(run.end_ns);
        input += Number(run.input_tokens);
        output += Number(run.output_tokens);
        if (run.flag_badges !== '[]') flagged++;
        for (const [model, , inputTokens, outputTokens, cached] of JSON.parse(run.models || '[]') as [string, number, number, number, number][]) {
          const usage = usages.get(model) ?? { model, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
          usage.inputTokens += inputTokens;
          usage.outputTokens += outputTokens;
          usage.cachedInputTokens += cached;
          usages.set(model, usage);
        }
      }
      out.set(sessionId, {
        rows: runs,
        session: {
          sessionId,
          service: runs[0]!.service,
          agent: runs[0]!.agent,
          runCount: runs.length,
          flaggedRunCount: flagged,
          startTime: new Date(Number(start / 1_000_000n)).toISOString(),
          endTime: new Date(Number(end / 1_000_000n)).toISOString(),
          inputTokens: input,
          outputTokens: output,
          costUsd: totalCost(usages.values(), prices ?? DEFAULT_PRICES),
        },
      });
    }
    return out;
  }

  return {
    async listSessions(filter: SessionFilter = {}, prices?: PriceList): Promise<SessionPage> {
      const limit = Math.min(Math.max(Math.floor(filter.limit ?? 50), 1), 500);
      const where = ['deleted = 0', 'isNotNull(session_id)'];
      if (filter.service) where.push(`service = ${sqlString(filter.service)}`);
      if (filter.agent) where.push(`agent = ${sqlString(filter.agent)}`);
      if (filter.sinceMs !== undefined) where.push(`start_ns >= ${sqlInt(msToNs(filter.sinceMs))}`);
      if (filter.untilMs !== undefined) where.push(`start_ns < ${sqlInt(msToNs(filter.untilMs))}`);
      let having = '';
      if (filter.cursor) {
        const [startText = '', sessionId = ''] = decodeCursor(filter.cursor, 2);
        if (!/^\d{1,20}$/.test(startText)) throw new InvalidCursorError();
        having = ` HAVING latest < ${startText} OR (latest = ${startText} AND sid < ${sqlString(sessionId)})`;
      }
      const found = await connection.select<{ sid: string; latest: string }>(
        `SELECT assumeNotNull(session_id) AS sid, max(start_ns) AS latest FROM ${live} WHERE ${where.join(' AND ')}
         GROUP BY sid${having} ORDER BY latest DESC, sid DESC LIMIT ${sqlInt(limit + 1)}`,
        DEDUP_READ,
      );
      const page = found.slice(0, limit);
      const summaries = await summarize(page.map((f) => f.sid), prices);
      const last = page.at(-1);
      return {
        sessions: page.flatMap((f) => {
          const s = summaries.get(f.sid);
          return s === undefined ? [] : [s.session];
        }),
        nextCursor: found.length > limit && last !== undefined ? encodeCursor([String(last.latest), last.sid]) : null,
      };
    },
    async getSession(sessionId: string, prices?: PriceList): Promise<{ session: Session; runs: Run[] } | null> {
      const summary = (await summarize([sessionId], prices)).get(sessionId);
      if (summary === undefined) return null;
      return { session: summary.session, runs: summary.rows.slice(0, MAX_SESSION_RUNS).map((row) => toRun(row, prices)) };
    },
  };
}

