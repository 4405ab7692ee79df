import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'tracehound_session';

export interface SessionCodec {
  /** A cookie value valid until `nowMs + maxAgeMs`. */
  issue(nowMs: number): string;
  /** True for an unexpired value this codec issued (compared in constant time). */
  verify(value: string | undefined, nowMs: number): boolean;
}

/**
 * Stateless login sessions: `v1.<expiresMs>.<HMAC-SHA256>`. The HMAC key is derived from the
 * configured API tokens, so sessions survive a restart and every session ends when the token
 * list changes (rotating a token logs everyone out). The cookie never contains a token.
 */
export function createSessionCodec(apiTokens: readonly string[], maxAgeMs: number): SessionCodec {
  const key = createHmac('sha256', 'tracehound-session-v1').update([...apiTokens].sort().join('\0')).digest();
  const sign = (expiresMs: number) => createHmac('sha256', key).update(`v1.${expiresMs}`).digest('base64url');
  return {
    issue(nowMs) {
      const expiresMs = nowMs + maxAgeMs;
      return `v1.${expiresMs}.${sign(expiresMs)}`;
    },
    verify(value, nowMs) {
      if (value === undefined || apiTokens.length === 0) return false;
      const match = /^v1\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (match === null) return false;
      const expiresMs = Number(match[1]);
      const given = Buffer.from(match[2]!, 'base64url');
      const expected = Buffer.from(sign(expiresMs), 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected) && expiresMs > nowMs;
    },
  };
}
