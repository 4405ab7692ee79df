import type { Context, Hono } from 'hono';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../ops/metrics.js';
import { isLoopbackHost } from './exposure.js';

/**
 * Cross-site request forgery guard for a request that a browser may have sent on its own: a
 * state change (any method but GET/HEAD/OPTIONS) authenticated by the session cookie, or made
 * while the API is open (no tokens). Browsers treat every port of 127.0.0.1 as the same site,
 * so SameSite=Strict alone does not stop a page on another local port.
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` (or `none`: typed by the user);
 * - otherwise `Origin`, when sent, must name this server's own host (the request's Host);
 * - a cookie-authenticated request must carry at least one of them (every browser does);
 * - a cookie-authenticated request with a body under /api/ must be `application/json` (a
 *   cross-site HTML form or `text/plain` fetch cannot send that without a CORS preflight,
 *   which we never grant). On an open API, a cross-site browser request is refused by the
 *   Origin / Sec-Fetch-Site rules above (browsers send them on every cross-origin POST);
 *   non-browser clients send neither and are not checked.
 * Returns the reason to refuse (403), or null to let it through. Token-authenticated clients
 * (Authorization: Bearer) are not checked: they cannot be forged by a browser.
 */
export function crossSiteRefusal(c: Context, cookieAuthenticated: boolean): string | null {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  const fetchSite = c.req.header('sec-fetch-site')?.trim().toLowerCase();
  const origin = c.req.header('origin')?.trim();
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
  // Sec-Fetch-Site, when present, decides: under Referrer-Policy no-referrer a browser sends
  // `Origin: null` on its own same-origin form posts.
  if (fetchSite === undefined && origin !== undefined && !isSameOrigin(origin, c.req.header('host'))) return 'cross-origin request refused (Origin does not match this server)';
  if (cookieAuthenticated && fetchSite === undefined && origin === undefined) return 'request refused: a signed-in state change must carry Origin or Sec-Fetch-Site';
  if (cookieAuthenticated && c.req.path.startsWith('/api/') && (method === 'POST' || method === 'PUT' || method === 'PATCH')) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const bodyless = type === '' && (c.req.header('content-length') ?? '0') === '0' && c.req.header('transfer-encoding') === undefined;
    if (type !== 'application/json' && !bodyless) return 'request refused: signed-in API state changes must be application/json';
  }
  return null;
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The server side of DNS rebinding: while tracehound listens on loopback, a request whose Host
 * is not a loopback name/address, the host of `server.publicUrl` or one of `server.allowedHosts`
 * is refused with 421 before any route runs (a rebound name resolves to 127.0.0.1 but keeps its
 * own Host). Listening on another address, Host is not checked (authentication is required there).
 */
export function registerHostCheck(app: Hono, config: Pick<Config, 'server'>, metrics: Metrics): void {
  if (!isLoopbackHost(config.server.host)) return;
  const allowed = new Set(config.server.allowedHosts.map((host) => host.toLowerCase()));
  if (config.server.publicUrl) {
    try {
      allowed.add(new URL(config.server.publicUrl).hostname.toLowerCase());
    } catch {
      // an invalid publicUrl is the config's problem, not this check's
    }
  }
  app.use('*', async (c, next) => {
    const name = hostName(c.req.header('host'));
    if (name !== null && (isLoopbackHost(name) || allowed.has(name))) return next();
    metrics.requestsRejected.inc({ reason: 'host_not_allowed' });
    return c.text('421 misdirected request: this Host is not served here (server.allowedHosts)\n', 421);
  });
}

/** The host name of a Host header without its port, lower-cased; null when absent. */
function hostName(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? null : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}
