import type { Hono } from 'hono';
import type { Db } from '../../store/database.js';
import type { Metrics } from '../../ops/metrics.js';

/**
 * GET /healthz: 200 while the process can take and store spans (the database answers a
 * query), else 503. GET /metrics: Prometheus text format.
 */
export function registerOpsRoutes(app: Hono, db: Db, metrics: Metrics, isAcceptingSpans: () => boolean): void {
  app.get('/healthz', (c) => {
    try {
      db.prepare('SELECT 1').get();
    } catch (error) {
      return c.json({ status: 'unavailable', error: `database: ${(error as Error).message}` }, 503);
    }
    if (!isAcceptingSpans()) return c.json({ status: 'unavailable', error: 'shutting down or overloaded' }, 503);
    return c.json({ status: 'ok' });
  });

  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
