import type { Hono } from 'hono';
import { z } from 'zod';
import { RUN_SORTS, type Storage } from '../../store/api.js';
import { describeQueryError, limitParam, timeParam } from './query-params.js';
import { createPriceList, type PriceList } from '../../model/pricing/price-list.js';
import type { ApiSpanDetail, SilencedFlagView } from '../../model/api.js';
import { readRules, readRulesOfFlags, readSilencedFlags } from '../suppression-reads.js';
import { MAX_API_SPAN_LOGS, readSpanLogs } from '../span-logs.js';

const runsQuery = z
  .object({
    detector: z.string().min(1).optional(),
    service: z.string().min(1).optional(),
    agent: z.string().min(1).optional(),
    status: z.enum(['ok', 'error', 'unset']).optional(),
    since: timeParam.optional(),
    until: timeParam.optional(),
    q: z.string().max(200).optional(),
    session: z.string().min(1).max(500).optional(),
    model: z.string().min(1).max(200).optional(),
    version: z.string().min(1).max(200).optional(),
    environment: z.string().min(1).max(200).optional(),
    flagged: z.enum(['true', 'false']).optional(),
    sort: z.enum(RUN_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: limitParam.optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * GET /api/runs and GET /api/runs/:traceId, with the shapes in SPEC.md; costs at `prices`.
 * Added: GET /api/runs/:traceId/spans/:spanId, one span with its log records (ApiSpanDetail).
 */
export function registerRunRoutes(app: Hono, storage: Pick<Storage, 'runs' | 'flags' | 'logs' | 'suppressions'>, prices: PriceList = createPriceList()): void {
  app.get('/api/runs', async (c) => {
    const parsed = runsQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: describeQueryError(parsed.error) }, 400);
    const query = parsed.data;
    try {
      const page = await storage.runs.listRuns({
        detector: query.detector,
        service: query.service,
        agent: query.agent,
        status: query.status,
        sinceMs: query.since,
        untilMs: query.until,
        q: query.q,
        session: query.session,
        model: query.model,
        version: query.version,
        environment: query.environment,
        flagged: query.flagged === 'true',
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        cursor: query.cursor,
      }, prices);
      return c.json(page);
    } catch (error) {
      if (error instanceof RangeError) return c.json({ error: `cursor: ${error.message}` }, 400);
      throw error;
    }
  });

  app.get('/api/runs/:traceId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    if (!TRACE_ID.test(traceId)) return c.json({ error: 'traceId must be 32 hex digits' }, 400);
    const run = await storage.runs.getRun(traceId, prices);
    if (run === null) return c.json({ error: `no run with trace id ${traceId}` }, 404);
    const [spans, flags, rules, silencedFlags] = await Promise.all([
      storage.runs.listRunSpans(traceId),
      storage.flags.listFlagsOfTrace(traceId),
      readRules(storage.suppressions),
      readSilencedFlags(storage.suppressions, traceId),
    ]);
    // Added (issue 17): the rule already matching each flag, and the flags rules silenced (null: not recorded by this backend).
    const suppressedBy: Record<string, string> = {};
    for (const [flagId, rule] of await readRulesOfFlags(storage, rules, flags.map((flag) => flag.id))) if (rule !== null) suppressedBy[flagId] = rule.id;
    const silenced: SilencedFlagView[] | null =
      silencedFlags === null
        ? null
        : silencedFlags.map((flag) => {
            const rule = rules.get(flag.ruleId);
            return {
              flagId: flag.flagId,
              detector: flag.detector,
              severity: flag.severity,
              summary: flag.summary,
              silencedAt: new Date(flag.atMs).toISOString(),
              ruleId: flag.ruleId,
              rule: rule === undefined ? null : { id: rule.id, detector: rule.detector, scope: rule.scope, value: rule.value, note: rule.note, createdAt: rule.createdAt, createdBy: rule.createdBy },
            };
          });
    return c.json({ run, spans, flags, suppressedBy, silenced });
  });

  app.get('/api/runs/:traceId/spans/:spanId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    const spanId = c.req.param('spanId').toLowerCase();
    if (!TRACE_ID.test(traceId)) return c.json({ error: 'traceId must be 32 hex digits' }, 400);
    if (!SPAN_ID.test(spanId)) return c.json({ error: 'spanId must be 16 hex digits' }, 400);
    const span = await storage.runs.getRunSpan(traceId, spanId);
    if (span === null) return c.json({ error: `no span ${spanId} in a run with trace id ${traceId}` }, 404);
    const detail: ApiSpanDetail = { span, ...(await readSpanLogs(storage.logs, traceId, spanId, MAX_API_SPAN_LOGS)) };
    return c.json(detail);
  });
}
