import type { MiddlewareHandler } from 'hono';
import { showBidiControls } from '../model/visible-bidi.js';

/**
 * Every HTML answer (pages, span panels, stored reports) has its bidirectional-text controls
 * shown as `[U+202E]` (issue 15 F12): our own templates contain none, so any there came from
 * span content, in text or in an attribute value, and must not reorder what the reader sees.
 */
export function visibleBidiControls(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!(c.res.headers.get('content-type') ?? '').startsWith('text/html') || c.res.body === null) return;
    const html = await c.res.text();
    const shown = showBidiControls(html);
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(shown, { status: c.res.status, statusText: c.res.statusText, headers });
  };
}
