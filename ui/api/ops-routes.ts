import type { Hono } from 'hono';
import type { Maintenance } from '../../store/api.js';
import type { Metrics } from '../../ops/metrics.js';

/**
 * GET /healthz: 200 while the process can take and store spans (the database answers a
 * query), else 503. GET /metrics: Prometheus text format.
 */
export function registerOpsRoutes(app: Hono, maintenance: Pick<Maintenance, 'health'>, metrics: Metrics, isAcceptingSpans: () => boolean): void {
  app.get('/healthz', async (c) => {
    const health = await maintenance.health();
    if (!health.ok) return c.json({ status: 'unavailable', error: health.error }, 503);
    if (!isAcceptingSpans()) return c.json({ status: 'unavailable', error: 'shutting down or overloaded' }, 503);
    return c.json({ status: 'ok' });
  });

  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
