import type { Hono } from 'hono';
import { NotSupportedError, type FlagEntry, type Storage } from '../store/api.js';
import { SuppressionsPage } from './pages/suppressions-page.js';
import { MessagePage } from './pages/message-page.js';
import { readForm, sameOrigin } from './form-posts.js';

const RULE_ID = /^[0-9a-f]{16}$/;

/**
 * The rules page: /suppressions lists every rule with what it matches, who made it and from which
 * flag, and how many flags it silenced; POST /suppressions/:id/delete deletes one (a same-origin
 * form post, like the review forms) and comes back with a notice.
 */
export function registerSuppressionPages(app: Hono, storage: Pick<Storage, 'suppressions' | 'flags'>, options: { nowMs: () => number }): void {
  app.get('/suppressions', async (c) => {
    const rules = await storage.suppressions.listSuppressions();
    let counts: Record<string, number> | null;
    try {
      counts = await storage.suppressions.countSilencedByRule();
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
      counts = null;
    }
    const fromIds = rules.map((rule) => rule.fromFlagId).filter((id): id is string => id !== null);
    const sources = new Map<string, FlagEntry>((await storage.flags.getFlags(fromIds)).map((entry) => [entry.flag.id, entry]));
    const done = c.req.query('done');
    const notice = done === 'deleted' ? 'Rule deleted: the analyser raises these flags again from the next analysis on.' : null;
    return c.html(<SuppressionsPage rules={rules} counts={counts} sources={sources} notice={notice} nowMs={options.nowMs()} />);
  });

  app.post('/suppressions/:id/delete', async (c) => {
    if (!sameOrigin(c)) return c.text('Cross-site form posts are refused.', 403);
    if ((await readForm(c)) === null) return c.text('Expected a form body.', 400);
    const id = c.req.param('id').toLowerCase();
    if (!RULE_ID.test(id) || !(await storage.suppressions.deleteSuppression(id))) {
      return c.html(<MessagePage title="Not found" section="flags" message={`No suppression rule with id ${id.slice(0, 40)}.`} />, 404);
    }
    return c.redirect('/suppressions?done=deleted', 303);
  });
}
