import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { makeSpan, hexId } from '../test/support/normalized-spans.js';
import { registerUiRoutes } from './ui-routes.js';
import { securityHeaders } from './security-headers.js';

const storage = await openSqliteStorage({ path: ':memory:' });
const traceId = hexId(16);
const rootId = hexId(8);
await storage.traces.writeSpans(
  [
    makeSpan({ traceId, spanId: rootId, name: 'invoke_agent <u>planner</u>', kind: 'agent', agent: 'planner', operation: 'agent:planner', status: 'ok' }),
    makeSpan({ traceId, parentSpanId: rootId, name: 'execute_tool search', kind: 'tool', operation: 'tool:search', tool: { name: 'search', arguments: '{"q":"<i>x</i>"}', result: '[]' } }),
  ],
  Date.now(),
);
const app = new Hono();
app.use('*', securityHeaders());
registerUiRoutes(app, storage);
afterAll(() => storage.close());

describe('web view routes', () => {
  it('answers every page with 200 and escaped content', async () => {
    for (const path of ['/', '/?range=7d', '/runs', '/runs?flagged=true&sort=tokens&order=asc', `/runs/${traceId}`, `/runs/${traceId}?span=${rootId}`, '/flags?review=any', '/latency?op=tool%3Asearch', '/reports']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).not.toContain('<u>');
    }
    const run = await (await app.request(`/runs/${traceId}`)).text();
    expect(run).toContain('invoke_agent &lt;u&gt;planner&lt;/u&gt;');
  });

  it('turns bad input into a clear 4xx, never a 500', async () => {
    const cases: [string, RequestInit | undefined, number][] = [
      ['/runs?cursor=not-a-cursor', undefined, 400],
      ['/runs?since=last-tuesday', undefined, 400],
      ['/runs?status=weird', undefined, 400],
      ['/runs?sort=color', undefined, 400],
      ['/flags?cursor=%%%', undefined, 400],
      ['/reports?cursor=zzz', undefined, 400],
      ['/runs/not-a-trace-id', undefined, 404],
      [`/runs/${'f'.repeat(32)}`, undefined, 404],
      [`/runs/${traceId}/spans/${'0'.repeat(16)}`, undefined, 404],
      ['/assets/..%2Fui-routes.tsx', undefined, 404],
      ['/flags/nope/review', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'verdict=confirmed' }, 404],
      ['/flags/nope/review', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'verdict=perhaps' }, 400],
      ['/flags/nope/suppress', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'scope=planet' }, 400],
      ['/flags/nope/suppress', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'scope=tool' }, 404],
    ];
    for (const [path, init, status] of cases) {
      const response = await app.request(path, init);
      expect(response.status, path).toBe(status);
    }
  });

  it('serves its own assets and sends the security headers', async () => {
    const css = await app.request('/assets/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const page = await app.request('/');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('follows only local paths after a review (no open redirect)', async () => {
    const response = await app.request('/flags/nope/review', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: 'verdict=confirmed&returnTo=https%3A%2F%2Fevil.example',
    });
    expect(response.status).toBe(403);
  });
});
