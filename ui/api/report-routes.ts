import type { Hono } from 'hono';
import { z } from 'zod';
import type { ReportStore, ReportTrigger } from '../../store/api.js';
import { parseTimeInput } from '../../model/time.js';
import { describeQueryError, parseJsonBody } from './query-params.js';

/**
 * GET /api/reports, GET /api/reports/:id (`?format=html|md` for a rendering), POST /api/reports
 * (make one now; body `{ since?, until? }`), and GET /reports/:id (the stored HTML, for the web
 * view and mailed links). Making a report is injected (`makeReport`): the ui does not import
 * the reports feature.
 */

export interface ReportRoutesOptions {
  /** Makes, stores and delivers a report; returns its id. */
  makeReport: (request: { sinceMs: number; untilMs: number; trigger: ReportTrigger }) => Promise<{ id: string }>;
  /** Default period length when `since` is omitted, in ms. */
  defaultPeriodMs: number;
  /** Longest period a request may ask for, in ms. Default 90 days. */
  maxPeriodMs?: number;
  now?: () => number;
}

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

const formatQuery = z.object({ format: z.enum(['json', 'html', 'md']).optional() }).strict();

const timeValue = z.union([z.string().max(100), z.number()]).optional();
const createBody = z.object({ since: timeValue, until: timeValue }).strict();

const REPORT_ID = /^[0-9A-Za-z-]{1,64}$/;

/** The stored HTML is self-contained; this policy keeps it that way in the browser too. */
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function registerReportRoutes(app: Hono, reports: ReportStore, options: ReportRoutesOptions): void {
  const now = options.now ?? Date.now;
  const maxPeriodMs = options.maxPeriodMs ?? 90 * 86_400_000;

  app.get('/api/reports', async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: describeQueryError(parsed.error) }, 400);
    try {
      return c.json(await reports.listReports(parsed.data));
    } catch (error) {
      if (error instanceof RangeError) return c.json({ error: `cursor: ${error.message}` }, 400);
      throw error;
    }
  });

  app.get('/api/reports/:id', async (c) => {
    const id = c.req.param('id');
    if (!REPORT_ID.test(id)) return c.json({ error: 'id: not a report id' }, 400);
    const parsed = formatQuery.safeParse(c.req.query());
    if (!parsed.success) return c.json({ error: describeQueryError(parsed.error) }, 400);
    const format = parsed.data.format ?? 'json';
    if (format === 'json') {
      const report = await reports.getReport(id);
      return report === null ? c.json({ error: `no report with id ${id}` }, 404) : c.json(report);
    }
    const body = await reports.getReportRendering(id, format);
    if (body === null) return c.json({ error: `no report with id ${id}` }, 404);
    if (format === 'html') return c.body(body, 200, HTML_HEADERS);
    return c.body(body, 200, { 'content-type': 'text/markdown; charset=utf-8', 'x-content-type-options': 'nosniff' });
  });

  app.post('/api/reports', async (c) => {
    const parsed = await parseJsonBody(c.req.raw, createBody);
    if ('error' in parsed) return c.json({ error: parsed.error }, 400);
    const nowMs = now();
    const untilMs = parsed.data.until === undefined ? nowMs : parseTimeInput(String(parsed.data.until), nowMs);
    if (untilMs === null) return c.json({ error: 'until: expected an ISO 8601 time, epoch milliseconds, or a relative time such as 24h' }, 400);
    // A relative since ("24h") counts back from until, like the CLI's --since.
    const sinceMs = parsed.data.since === undefined ? untilMs - options.defaultPeriodMs : parseTimeInput(String(parsed.data.since), untilMs);
    if (sinceMs === null) return c.json({ error: 'since: expected an ISO 8601 time, epoch milliseconds, or a relative time such as 24h' }, 400);
    if (!(untilMs > sinceMs)) return c.json({ error: 'until must be after since' }, 400);
    if (untilMs - sinceMs > maxPeriodMs) return c.json({ error: `the period may span at most ${Math.round(maxPeriodMs / 86_400_000)} days` }, 400);
    const made = await options.makeReport({ sinceMs, untilMs, trigger: 'api' });
    const stored = await reports.getReport(made.id);
    return c.json(stored, 201, { location: `/api/reports/${made.id}` });
  });

  app.get('/reports/:id', async (c) => {
    const id = c.req.param('id');
    const body = REPORT_ID.test(id) ? await reports.getReportRendering(id, 'html') : null;
    if (body === null) return c.text('No such report', 404);
    return c.body(body, 200, HTML_HEADERS);
  });
}
