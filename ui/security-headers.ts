import type { MiddlewareHandler } from 'hono';

/**
 * The web view's Content-Security-Policy: only our own origin, no inline script, no inline
 * style, no framing, forms post only to us. Span content is untrusted text; even if escaping
 * failed somewhere, injected markup could not run script or load anything from elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers for every response: CSP, nosniff, no referrer, no framing. Responses that
 * already set a Content-Security-Policy (e.g. a stored report's own HTML) keep theirs.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    let headers = c.res.headers;
    try {
      headers.set('X-Content-Type-Options', 'nosniff');
    } catch {
      // Immutable headers (a passed-through Response): copy it once so they can be set.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
    }
    if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'no-referrer');
    headers.set('X-Frame-Options', 'DENY');
  };
}
