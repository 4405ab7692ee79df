import type { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from './metrics.js';

/**
 * Observes `tracehound_http_request_seconds` for every request, labelled by the registered
 * route pattern (e.g. `/api/runs/:traceId`, never the raw path, so label cardinality stays
 * bounded), method and status. Requests answered by a middleware (authentication) are
 * labelled `middleware`; requests that matched no route `unmatched`. Register it first.
 */
export function registerRequestMetrics(app: Hono, metrics: Metrics): void {
  app.use('*', async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const routes = matchedRoutes(c);
      const responder = routes[c.req.routeIndex];
      const route = responder === undefined ? 'unmatched' : responder.path === '*' || responder.path === '/*' ? (routes.length > c.req.routeIndex + 1 ? 'middleware' : 'unmatched') : responder.path;
      metrics.httpRequestSeconds.observe({ route, method: c.req.method, status: String(c.res.status) }, (performance.now() - started) / 1000);
    }
  });
}
