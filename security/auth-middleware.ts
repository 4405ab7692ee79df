import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config/schema.js';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { assertSafeExposure } from './exposure.js';
import { createKeyMatcher } from './key-matcher.js';
import { crossSiteRefusal } from './request-origin.js';
import { renderLoginPage, safeNextPath } from './login-page.js';
import { otlpStatusBody, RPC_UNAUTHENTICATED } from './otlp-status.js';
import { createSessionCodec, SESSION_COOKIE } from './session-cookie.js';

/** Header names an OTel exporter can be configured to send a key in (OTEL_EXPORTER_OTLP_HEADERS). */
export const INGEST_KEY_HEADERS = ['x-api-key', 'x-tracehound-key'] as const;
/** Largest /login form body read, in bytes. */
const MAX_LOGIN_BODY_BYTES = 4096;

export interface AuthOptions {
  metrics: Metrics;
  logger: Logger;
}

/**
 * Authentication for every route, registered before all others:
 * - the OTLP paths (`collector.path`, `collector.logsPath`) need one of `auth.ingestKeys` (Bearer, x-api-key or
 *   x-tracehound-key) when any is configured; failures get 401 with a google.rpc.Status in the
 *   request's encoding, before the body is read;
 * - `/api/*` and `/metrics` need one of `auth.apiTokens` as a Bearer header, or a login session
 *   cookie, when any is configured; failures get 401 `{ error }` (text for /metrics);
 * - web pages need the session cookie (or Bearer) and otherwise redirect to `/login`;
 * - `/healthz`, `/login` and `/logout` are always open;
 * - a state change by cookie (or on an open API) must come from our own origin and, under
 *   /api/, be JSON (crossSiteRefusal, 403); Bearer-token clients are not checked.
 * Throws ConfigError when the listening address is not loopback and keys are missing
 * (see assertSafeExposure). Keys and tokens are never logged.
 */
export function registerAuth(app: Hono, config: Pick<Config, 'server' | 'auth' | 'collector'>, options: AuthOptions): void {
  assertSafeExposure(config);
  const { metrics, logger } = options;
  const ingestPath = config.collector.path;
  const ingestOpen = config.auth.ingestKeys.length === 0;
  const apiOpen = config.auth.apiTokens.length === 0;
  const isIngestKey = createKeyMatcher(config.auth.ingestKeys);
  const isApiToken = createKeyMatcher(config.auth.apiTokens);
  const sessions = createSessionCodec(config.auth.apiTokens, config.auth.sessionMaxAge);
  const hasSession = (c: Context) => sessions.verify(getCookie(c, SESSION_COOKIE), Date.now());
  const fail = (surface: string) => metrics.authFailures.inc({ surface });

  app.use('*', async (c, next) => {
    const path = c.req.path;
    if (path === '/healthz' || path === '/login' || path === '/logout') return next();
    if (path === ingestPath || path === config.collector.logsPath) {
      if (ingestOpen || isIngestKey(ingestKeyOf(c))) return next();
      fail('ingest');
      metrics.requestsRejected.inc({ reason: 'unauthenticated' });
      const status = otlpStatusBody(c.req.header('content-type'), RPC_UNAUTHENTICATED, 'missing or invalid ingest key: send Authorization: Bearer KEY (or x-api-key: KEY)');
      c.header('WWW-Authenticate', 'Bearer realm="tracehound ingest"');
      c.header('Connection', 'close'); // the unread body is not drained: end the connection
      return c.body(status.body as never, 401, { 'Content-Type': status.contentType });
    }
    if (!apiOpen && isApiToken(bearerOf(c))) return next();
    const session = !apiOpen && hasSession(c);
    if (apiOpen || session) {
      const refusal = crossSiteRefusal(c, session);
      if (refusal === null) return next();
      fail('csrf');
      return path.startsWith('/api/') ? c.json({ error: refusal }, 403) : c.text(`${refusal}\n`, 403);
    }
    c.header('WWW-Authenticate', 'Bearer realm="tracehound"');
    if (path.startsWith('/api/')) {
      fail('api');
      return c.json({ error: 'authentication required: send Authorization: Bearer TOKEN (auth.apiTokens) or sign in at /login' }, 401);
    }
    if (path === '/metrics') {
      fail('metrics');
      return c.text('authentication required: send Authorization: Bearer TOKEN (auth.apiTokens)\n', 401);
    }
    fail('page');
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const query = new URL(c.req.url).search;
      return c.redirect(`/login?next=${encodeURIComponent(path + query)}`, 302);
    }
    return c.text('authentication required: sign in at /login\n', 401);
  });

  app.get('/login', (c) => {
    if (apiOpen) return c.redirect('/', 302);
    return c.html(renderLoginPage(safeNextPath(c.req.query('next')), false));
  });

  app.post('/login', async (c) => {
    if (apiOpen) return c.redirect('/', 302);
    const form = await readForm(c.req.raw);
    if (form === null) return c.text('expected a form body of at most 4096 bytes\n', 400);
    const next = safeNextPath(form.get('next'));
    if (!isApiToken(form.get('token'))) {
      fail('login');
      logger.warn({ remote: remoteOf(c) }, 'login refused: invalid token');
      return c.html(renderLoginPage(next, true), 401);
    }
    setCookie(c, SESSION_COOKIE, sessions.issue(Date.now()), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: '/',
      maxAge: Math.floor(config.auth.sessionMaxAge / 1000),
    });
    return c.redirect(next, 303);
  });

  // Logout revokes the session on the server too: a copy of the cookie no longer works (F9).
  const logout = (c: Context) => {
    sessions.revoke(getCookie(c, SESSION_COOKIE), Date.now());
    setCookie(c, SESSION_COOKIE, '', { httpOnly: true, sameSite: 'Strict', secure: isHttps(c), path: '/', maxAge: 0 });
    return c.redirect('/login', 303);
  };
  app.post('/logout', logout);
  app.get('/logout', logout);
}

function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function ingestKeyOf(c: Context): string | undefined {
  const bearer = bearerOf(c);
  if (bearer !== undefined) return bearer;
  for (const name of INGEST_KEY_HEADERS) {
    const value = c.req.header(name)?.trim();
    if (value) return value;
  }
  return undefined;
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

function remoteOf(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

/** The urlencoded (or multipart-free) login form, or null when larger than the limit or unreadable. */
async function readForm(request: Request): Promise<URLSearchParams | null> {
  if (request.body === null) return new URLSearchParams();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_LOGIN_BODY_BYTES) {
        await reader.cancel();
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
