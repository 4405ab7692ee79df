import type { Hono } from 'hono';
import { z } from 'zod';
import type { RunQueries } from '../../store/api.js';
import type { PriceList } from '../../model/pricing/price-list.js';
import { describeQueryError, limitParam, timeParam } from './query-params.js';

const sessionsQuery = z
  .object({
    service: z.string().min(1).max(200).optional(),
    agent: z.string().min(1).max(200).optional(),
    since: timeParam.optional(),
    until: timeParam.optional(),
    limit: limitParam.optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

/** Longest session id accepted in a path (ids come from senders; ours are never longer). */
const MAX_SESSION_ID_CHARS = 500;

/** GET /api/sessions and GET /api/sessions/:id, with the shapes in SPEC.md. */
export function registerSessionRoutes(app: Hono, runs: Pick<RunQueries, 'listSessions' | 'getSession'>, prices: PriceList): void {
  app.get('/api/sessions', async (c) => {
    const parsed = sessionsQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: describeQueryError(parsed.error) }, 400);
    const query = parsed.data;
    try {
      return c.json(
        await runs.listSessions({ service: query.service, agent: query.agent, sinceMs: query.since, untilMs: query.until, limit: query.limit, cursor: query.cursor }, prices),
      );
    } catch (error) {
      if (error instanceof RangeError) return c.json({ error: `cursor: ${error.message}` }, 400);
      throw error;
    }
  });

  app.get('/api/sessions/:id', async (c) => {
    const sessionId = c.req.param('id');
    if (sessionId.length > MAX_SESSION_ID_CHARS) return c.json({ error: `session id longer than ${MAX_SESSION_ID_CHARS} characters` }, 400);
    const found = await runs.getSession(sessionId, prices);
    if (found === null) return c.json({ error: `no session with id ${sessionId}` }, 404);
    return c.json(found);
  });
}
