import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { registerRequestMetrics } from './request-metrics.js';

describe('registerRequestMetrics', () => {
  it('labels requests by route pattern, not raw path, including middleware answers and misses', async () => {
    const metrics = createMetrics();
    const app = new Hono();
    registerRequestMetrics(app, metrics);
    app.use('*', async (c, next) => (c.req.header('x-deny') ? c.text('no', 401) : next()));
    app.get('/api/runs/:traceId', (c) => c.json({ id: c.req.param('traceId') }));
    await app.request('/api/runs/abc');
    await app.request('/api/runs/def');
    await app.request('/api/runs/abc', { headers: { 'x-deny': '1' } });
    await app.request('/elsewhere');
    const text = await metrics.registry.getSingleMetricAsString('tracehound_http_request_seconds');
    expect(text).toContain('tracehound_http_request_seconds_count{route="/api/runs/:traceId",method="GET",status="200"} 2');
    expect(text).toContain('tracehound_http_request_seconds_count{route="middleware",method="GET",status="401"} 1');
    expect(text).toContain('tracehound_http_request_seconds_count{route="unmatched",method="GET",status="404"} 1');
    expect(text).not.toContain('abc');
  });
});
