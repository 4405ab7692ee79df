import type { Hono } from 'hono';
import type { RunQueries } from '../store/api.js';
import type { PriceList } from '../model/pricing/price-list.js';
import { SessionsPage, type SessionsQuery } from './pages/sessions-page.js';
import { SessionPage } from './pages/session-page.js';
import { MessagePage } from './pages/message-page.js';

/** The sessions pages: /sessions (most recently active first) and /sessions/:id (its runs in order). */
export function registerSessionPages(
  app: Hono,
  runs: Pick<RunQueries, 'listSessions' | 'getSession'>,
  options: { prices: PriceList; nowMs: () => number; facets: () => Promise<{ services: string[]; agents: string[] }> },
): void {
  app.get('/sessions', async (c) => {
    const raw = c.req.query();
    const query: SessionsQuery = {
      service: (raw.service ?? '').slice(0, 200),
      agent: (raw.agent ?? '').slice(0, 200),
      cursor: (raw.cursor ?? '').slice(0, 1000),
    };
    const filter = { service: query.service || undefined, agent: query.agent || undefined, limit: 50 };
    try {
      const page = await runs.listSessions({ ...filter, cursor: query.cursor || undefined }, options.prices);
      return c.html(<SessionsPage query={query} sessions={page.sessions} nextCursor={page.nextCursor} facets={await options.facets()} error={null} nowMs={options.nowMs()} />);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const page = await runs.listSessions(filter, options.prices);
      return c.html(
        <SessionsPage query={{ ...query, cursor: '' }} sessions={page.sessions} nextCursor={page.nextCursor} facets={await options.facets()} error="This page link has expired (bad cursor); showing the first page." nowMs={options.nowMs()} />,
        400,
      );
    }
  });

  app.get('/sessions/:id', async (c) => {
    const sessionId = c.req.param('id');
    const found = sessionId.length > 500 ? null : await runs.getSession(sessionId, options.prices);
    if (found === null) return c.html(<MessagePage title="Not found" section="sessions" message={`No session with id ${sessionId.slice(0, 500)}.`} />, 404);
    return c.html(<SessionPage session={found.session} runs={found.runs} />);
  });
}
