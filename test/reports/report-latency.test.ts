import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../store/sqlite/database.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { createSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { buildReport } from '../../reports/build-report.js';
import { renderHtml } from '../../reports/render-html.js';
import { renderMarkdown } from '../../reports/render-markdown.js';
import { registerUiRoutes } from '../../ui/ui-routes.js';
import { formatDuration } from '../../ui/format.js';
import { makeSpan, hexId } from '../support/normalized-spans.js';

/**
 * Issue 17, defects 1 and 2: the report's latency links open the same operation on the latency
 * page, over the same period, where the p95 is the report's; a large p95 ratio that is not
 * called a regression says why.
 */
const DAY_MS = 86_400_000;
const UNTIL = Date.UTC(2026, 10, 23, 2, 0, 0);
const SINCE = UNTIL - DAY_MS;

function writeRun(db: Db, startMs: number, calls: { tool: string; durationMs: number }[]): void {
  const traceId = hexId(16);
  const rootId = hexId(8);
  createSpanWriter(db)(
    [
      makeSpan({ traceId, spanId: rootId, startMs, durationMs: 20_000, kind: 'agent', status: 'ok', agent: 'a1', operation: 'agent:a1' }),
      ...calls.map((call, index) =>
        makeSpan({ traceId, parentSpanId: rootId, startMs: startMs + index * 10, durationMs: call.durationMs, kind: 'tool', operation: `tool:${call.tool}`, agent: 'a1', status: call.tool === 'flaky' ? 'error' : 'ok', tool: { name: call.tool, arguments: '{}', result: '{}' } }),
      ),
    ],
    startMs,
  );
}

async function buildFixture() {
  const db = openDatabase(':memory:');
  // Baseline: `search` 10 calls a day at 200 ms; `rare` 3 calls in the whole week at 100 ms.
  for (let day = 1; day <= 7; day++) writeRun(db, SINCE - day * DAY_MS + 5000, Array.from({ length: 10 }, () => ({ tool: 'search', durationMs: 200 })));
  writeRun(db, SINCE - 2 * DAY_MS, Array.from({ length: 3 }, () => ({ tool: 'rare', durationMs: 100 })));
  // Period: `search` 100..1000 ms (nearest-rank p95 1000 ms, interpolated 955 ms), `rare` 10.5× slower, `flaky` failing.
  writeRun(db, SINCE + 60_000, [
    ...Array.from({ length: 10 }, (_, i) => ({ tool: 'search', durationMs: (i + 1) * 100 })),
    ...Array.from({ length: 10 }, () => ({ tool: 'rare', durationMs: 1050 })),
    { tool: 'flaky', durationMs: 30 },
  ]);
  const report = await buildReport(createSqliteStorage(db, { path: ':memory:' }).reportQueries, { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://tracehound.test' });
  const app = new Hono();
  registerUiRoutes(app, createSqliteStorage(db, { path: ':memory:' }), { nowMs: () => UNTIL + 3 * DAY_MS });
  return { db, report, app };
}

const P95_STAT = /<span class="stat-label">p95<\/span>\s*<span class="stat-value">([^<]*)<\/span>/;

const { report, app } = await buildFixture();

describe('report latency', () => {

  it('links every operation and tool to the latency page of that operation, with the same p95', async () => {
    const links = [...report.latency.map((item) => ({ operation: item.operation, p95Ms: item.p95Ms, link: item.link })), ...report.worstTools.map((item) => ({ operation: `tool:${item.tool}`, p95Ms: undefined, link: item.link }))];
    expect(links.map((item) => item.operation)).toEqual(expect.arrayContaining(['tool:search', 'tool:rare', 'tool:flaky']));
    for (const item of links) {
      const url = new URL(item.link);
      expect(url.searchParams.get('op'), item.link).toBe(item.operation);
      const response = await app.request(`${url.pathname}${url.search}`);
      expect(response.status, item.link).toBe(200);
      const html = await response.text();
      expect(html, item.link).toContain(`<span class="mono h-sub">${item.operation}</span>`);
      if (item.p95Ms !== undefined) expect(P95_STAT.exec(html)?.[1], item.link).toBe(formatDuration(item.p95Ms));
    }
    expect(report.latency.find((item) => item.operation === 'tool:search')?.p95Ms).toBe(1000);
  });

  it('says why a large p95 ratio is not a regression, and marks the real one', () => {
    const rare = report.latency.find((item) => item.operation === 'tool:rare')!;
    expect(rare).toMatchObject({ p95Ratio: 10.5, regression: false });
    expect(rare.notJudged).toContain('3 spans in the baseline');
    const search = report.latency.find((item) => item.operation === 'tool:search')!;
    expect(search).toMatchObject({ p95Ratio: 5, regression: true, notJudged: null });
    expect(renderHtml(report)).toContain('not judged: 3 spans in the baseline');
    expect(renderMarkdown(report)).toContain('not judged: 3 spans in the baseline');
  });
});
