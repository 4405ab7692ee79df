import type { Context } from 'hono';

/**
 * Form posts must come from our own pages, never from another site. Browsers say where a request
 * comes from in Sec-Fetch-Site; without it, the Origin header must name this host. (Our
 * Referrer-Policy makes browsers send `Origin: null` on form posts, so Sec-Fetch-Site decides.)
 * Clients that send neither (curl, scripts) are not browsers riding a session and may post.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    return origin !== 'null' && new URL(origin).host === c.req.header('host');
  } catch {
    return false;
  }
}

/** The urlencoded or multipart body's text fields; null when it is not a form. */
export async function readForm(c: Context): Promise<Map<string, string> | null> {
  try {
    const body = await c.req.parseBody();
    const form = new Map<string, string>();
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form.set(key, value);
    return form;
  } catch {
    return null;
  }
}

