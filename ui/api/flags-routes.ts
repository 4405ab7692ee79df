import type { Hono } from 'hono';
import { z } from 'zod';
import { DETECTOR_IDS, SEVERITIES, VERDICTS } from '../../model/api.js';
import { SUPPRESSION_SCOPES, type Storage } from '../../store/api.js';
import { suppressFlag, SuppressionError } from '../suppress-flag.js';
import { describeQueryError, limitParam, parseJsonBody, timeParam } from './query-params.js';

const flagsQuery = z
  .object({
    detector: z.enum(DETECTOR_IDS).optional(),
    severity: z.enum(SEVERITIES).optional(),
    review: z.enum(['none', ...VERDICTS]).optional(),
    service: z.string().min(1).optional(),
    agent: z.string().min(1).optional(),
    signature: z.string().min(1).optional(),
    since: timeParam.optional(),
    until: timeParam.optional(),
    limit: limitParam.optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

const reviewBody = z.object({ verdict: z.enum(VERDICTS), note: z.string().max(10_000).optional() }).strict();
const suppressBody = z.object({ scope: z.enum(SUPPRESSION_SCOPES), note: z.string().max(10_000).optional(), by: z.string().min(1).max(200).optional() }).strict();
const FLAG_ID = /^[0-9a-f]{16}$/;

export interface FlagRoutesOptions {
  /** Analyses every pending trace now (POST /api/analyze). */
  analyzeNow?: () => Promise<{ analyzed: number; flagged: number }>;
}

/**
 * GET /api/flags, POST /api/flags/:id/review, DELETE /api/flags/:id/review (undo), POST /api/flags/:id/suppress,
 * GET /api/suppressions, DELETE /api/suppressions/:id and POST /api/analyze.
 */
export function registerFlagRoutes(app: Hono, storage: Pick<Storage, 'flags' | 'suppressions'>, options: FlagRoutesOptions = {}): void {
  app.get('/api/flags', async (c) => {
    const parsed = flagsQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: describeQueryError(parsed.error) }, 400);
    const { since, until, review, ...rest } = parsed.data;
    try {
      // `review=none` is the API's word for the store's 'unreviewed'.
      const page = await storage.flags.listFlags({ ...rest, review: review === 'none' ? 'unreviewed' : review, sinceMs: since, untilMs: until });
      return c.json({ flags: page.entries.map((entry) => entry.flag), nextCursor: page.nextCursor });
    } catch (error) {
      if (error instanceof RangeError) return c.json({ error: `cursor: ${error.message}` }, 400);
      throw error;
    }
  });

  app.post('/api/flags/:id/review', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!FLAG_ID.test(id)) return c.json({ error: 'flag id must be 16 hex digits' }, 400);
    const parsed = await parseJsonBody(c.req.raw, reviewBody);
    if ('error' in parsed) return c.json({ error: parsed.error }, 400);
    const flag = await storage.flags.reviewFlag(id, parsed.data);
    if (flag === null) return c.json({ error: `no flag with id ${id}` }, 404);
    return c.json(flag);
  });

  // Undoes a review (issue 17, defect 15): the flag is unreviewed again; returns the updated Flag.
  app.delete('/api/flags/:id/review', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!FLAG_ID.test(id)) return c.json({ error: 'flag id must be 16 hex digits' }, 400);
    const flag = await storage.flags.clearReview(id);
    if (flag === null) return c.json({ error: `no flag with id ${id}` }, 404);
    return c.json(flag);
  });

  app.post('/api/flags/:id/suppress', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!FLAG_ID.test(id)) return c.json({ error: 'flag id must be 16 hex digits' }, 400);
    const parsed = await parseJsonBody(c.req.raw, suppressBody);
    if ('error' in parsed) return c.json({ error: parsed.error }, 400);
    try {
      return c.json(await suppressFlag(storage, id, parsed.data.scope, parsed.data.note, Date.now(), parsed.data.by ?? null), 201);
    } catch (error) {
      if (error instanceof SuppressionError) return c.json({ error: error.message }, error.status);
      throw error;
    }
  });

  app.get('/api/suppressions', async (c) => c.json({ suppressions: await storage.suppressions.listSuppressions() }));

  app.delete('/api/suppressions/:id', async (c) => {
    const id = c.req.param('id').toLowerCase();
    if (!FLAG_ID.test(id)) return c.json({ error: 'suppression id must be 16 hex digits' }, 400);
    if (!(await storage.suppressions.deleteSuppression(id))) return c.json({ error: `no suppression with id ${id}` }, 404);
    return c.json({ deleted: id });
  });

  app.post('/api/analyze', async (c) => {
    if (options.analyzeNow === undefined) return c.json({ error: 'the analyser is disabled (analyzer.enabled: false)' }, 409);
    const { analyzed, flagged } = await options.analyzeNow();
    return c.json({ analyzed, flagged });
  });
}
