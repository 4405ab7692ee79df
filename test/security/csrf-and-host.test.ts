import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/**
 * F4: with a login cookie, a state change must be same-origin (Origin / Sec-Fetch-Site) and,
 * under /api/, JSON; Bearer-token clients are unaffected.
 * F13: while listening on loopback, only loopback or configured Host names are served.
 */

const TOKEN = 'api-token-0123456789abcdef';
const FLAG = '/api/flags/0123456789abcdef';

let service: SecureTestService;
let cookie = '';
beforeAll(async () => {
  service = await startSecureService({ auth: { apiTokens: [TOKEN] }, server: { allowedHosts: ['tracehound.internal'] } });
  const login = await fetch(`${service.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
    body: new URLSearchParams({ token: TOKEN, next: '/' }).toString(),
  });
  expect(login.status).toBe(303);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await service.stop();
});

async function post(path: string, headers: Record<string, string>, body: string): Promise<number> {
  const response = await fetch(`${service.url}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status;
}

describe('F4: cross-site request forgery', () => {
  const json = JSON.stringify({ verdict: 'false_positive' });

  it('refuses a cookie-authenticated text/plain POST to the API (403)', async () => {
    expect(await post(`${FLAG}/review`, { Cookie: cookie, 'Content-Type': 'text/plain', Origin: service.url }, json)).toBe(403);
    expect(await post(`${FLAG}/suppress`, { Cookie: cookie, 'Content-Type': 'text/plain;charset=UTF-8' }, json)).toBe(403);
  });

  it('refuses a cookie-authenticated POST from another origin, even another port of 127.0.0.1 (403)', async () => {
    const foreign = 'http://127.0.0.1:1';
    expect(await post(`${FLAG}/review`, { Cookie: cookie, 'Content-Type': 'application/json', Origin: foreign }, json)).toBe(403);
    expect(await post(`${FLAG}/review`, { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' }, json)).toBe(403);
    expect(await post('/flags/0123456789abcdef/review', { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: foreign }, 'verdict=false_positive')).toBe(403);
  });

  it('lets the same-origin JSON request and a Bearer-token client through to the route (404: no such flag)', async () => {
    expect(await post(`${FLAG}/review`, { Cookie: cookie, 'Content-Type': 'application/json', Origin: service.url, 'Sec-Fetch-Site': 'same-origin' }, json)).toBe(404);
    expect(await post(`${FLAG}/review`, { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain', Origin: 'http://elsewhere.example' }, json)).toBe(404);
  });
});

function getWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: service.port, path: '/healthz', headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('F13: DNS rebinding', () => {
  it('refuses a foreign Host while bound to loopback (421) and serves loopback and configured names', async () => {
    expect(await getWithHost('attacker.example')).toBe(421);
    expect(await getWithHost(`attacker.example:${service.port}`)).toBe(421);
    expect(await getWithHost(`127.0.0.1:${service.port}`)).toBe(200);
    expect(await getWithHost(`localhost:${service.port}`)).toBe(200);
    expect(await getWithHost(`[::1]:${service.port}`)).toBe(200);
    expect(await getWithHost('tracehound.internal')).toBe(200);
  });
});
