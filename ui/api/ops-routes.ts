import type { Hono } from 'hono';
import type { Maintenance } from '../../store/api.js';
import type { Metrics } from '../../ops/metrics.js';
import type { StorageHealthReport } from '../../ops/storage-health.js';

/**
 * GET /healthz: 200 while the process can take and store spans — the database answers a
 * query, the last commit of ingested spans succeeded and free space is above
 * storage.minFreeBytes (ops/storage-health.ts) — else 503 with the reason. GET /metrics: Prometheus text format.
 */
export function registerOpsRoutes(
  app: Hono,
  maintenance: Pick<Maintenance, 'health'>,
  metrics: Metrics,
  isAcceptingSpans: () => boolean,
  storageHealth?: () => StorageHealthReport,
): void {
  app.get('/healthz', async (c) => {
    const health = await maintenance.health();
    if (!health.ok) return c.json({ status: 'unavailable', error: health.error }, 503);
    if (!isAcceptingSpans()) return c.json({ status: 'unavailable', error: 'shutting down or overloaded' }, 503);
    const storage = storageHealth?.();
    if (storage !== undefined && !storage.ok) {
      return c.json({ status: 'unavailable', error: `storage: ${storage.problems.join('; ')}`, freeBytes: storage.freeBytes, lastCommit: storage.lastCommit }, 503);
    }
    return c.json(storage === undefined ? { status: 'ok' } : { status: 'ok', freeBytes: storage.freeBytes, lastCommit: storage.lastCommit });
  });

  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
