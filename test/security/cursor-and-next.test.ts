import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/**
 * F10: a cursor whose position is not an integer (`["1e5","x"]`) and a `next` path with CR/LF
 * are the client's mistakes: 400 (or the safe default), never a 500.
 */

const TOKEN = 'api-token-0123456789abcdef';
const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService({ auth: { apiTokens: [TOKEN] } });
});
afterAll(async () => {
  await service.stop();
});

const get = (path: string) => fetch(`${service.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` }, redirect: 'manual' });

describe('F10: cursors with a non-integer position', () => {
  it.each([
    ['/api/runs?sort=start&cursor=', ['1e5', 'x']],
    ['/api/runs?cursor=', ['1e5', 'x']],
    ['/api/runs?sort=start&cursor=', ['12.5e3', 'x']],
    ['/api/flags?cursor=', ['1e5', 'x']],
    ['/api/flags?cursor=', ['', 'x']],
    ['/api/sessions?cursor=', ['1e5', 'x']],
    ['/api/sessions?cursor=', ['-', 'x']],
    ['/api/reports?cursor=', ['1e5', 'x']],
  ])('%s%j answers 400 with a message naming the cursor', async (path, parts) => {
    const response = await get(`${path}${cursorOf(parts)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^cursor: .*not one this server issued/) });
  });

  it.each(['/runs?sort=start&cursor=', '/reports?cursor=', '/flags?cursor=', '/sessions?cursor='])('the page %s with such a cursor answers 400 with the first page', async (path) => {
    const response = await get(`${path}${cursorOf(['1e5', 'x'])}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/bad cursor/);
  });
});

describe('F10: a `next` path with CR/LF', () => {
  it('signs in and goes to / instead of answering 500', async () => {
    for (const next of ['/\r\nSet-Cookie: evil=1', '/runs\nx', '/a\rb', '/%0d%0a\r\n']) {
      const response = await fetch(`${service.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
        body: new URLSearchParams({ token: TOKEN, next }).toString(),
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
      expect(response.headers.get('set-cookie')).not.toMatch(/evil/);
    }
  });

  it('renders the login form with a CR/LF next without echoing it', async () => {
    const response = await fetch(`${service.url}/login?next=${encodeURIComponent('/\r\nx')}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('name="next" value="/"');
  });

  it('a review form post with a CR/LF returnTo never answers 500', async () => {
    const response = await fetch(`${service.url}/flags/0123456789abcdef/review`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
      body: new URLSearchParams({ verdict: 'confirmed', returnTo: '/flags#a\r\nSet-Cookie: evil=1' }).toString(),
    });
    expect(response.status).toBeLessThan(500);
  });
});
