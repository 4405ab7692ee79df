import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/** F9: logout ends the session on the server: a kept copy of the cookie no longer works. */

const TOKEN = 'api-token-0123456789abcdef';

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService({ auth: { apiTokens: [TOKEN] } });
});
afterAll(async () => {
  await service.stop();
});

async function signIn(): Promise<string> {
  const login = await fetch(`${service.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: service.url },
    body: new URLSearchParams({ token: TOKEN, next: '/' }).toString(),
  });
  expect(login.status).toBe(303);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

const apiStatus = async (cookie: string) => (await fetch(`${service.url}/api/runs`, { headers: { Cookie: cookie } })).status;
const pageStatus = async (cookie: string) => (await fetch(`${service.url}/runs`, { headers: { Cookie: cookie }, redirect: 'manual' })).status;

describe('F9: logout revokes the session', () => {
  it.each(['POST', 'GET'])('a cookie kept after %s /logout opens neither the API nor the pages', async (method) => {
    const cookie = await signIn();
    expect(await apiStatus(cookie)).toBe(200);
    const logout = await fetch(`${service.url}/logout`, { method, headers: { Cookie: cookie, Origin: service.url }, redirect: 'manual' });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await apiStatus(cookie)).toBe(401);
    expect(await pageStatus(cookie)).toBe(302);
  });

  it('ends only that session: another signed-in session keeps working', async () => {
    const mine = await signIn();
    const other = await signIn();
    expect(mine).not.toBe(other);
    await fetch(`${service.url}/logout`, { method: 'POST', headers: { Cookie: mine, Origin: service.url }, redirect: 'manual' });
    expect(await apiStatus(mine)).toBe(401);
    expect(await apiStatus(other)).toBe(200);
  });
});
