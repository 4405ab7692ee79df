import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'tracehound_session';
/** Most revoked sessions remembered at once; past it the ones expiring soonest are forgotten first. */
export const MAX_REVOKED_SESSIONS = 100_000;

export interface SessionCodec {
  /** A cookie value valid until `nowMs + maxAgeMs`, with its own random session id. */
  issue(nowMs: number): string;
  /** True for an unexpired, unrevoked value this codec issued (compared in constant time). */
  verify(value: string | undefined, nowMs: number): boolean;
  /**
   * Ends the session of `value` (logout): from now on `verify` refuses it, until it would have
   * expired anyway. A value this codec did not issue is ignored.
   */
  revoke(value: string | undefined, nowMs: number): void;
}

const FORMAT = /^v2\.(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Login sessions: `v2.<expiresMs>.<sessionId>.<HMAC-SHA256>`. The HMAC key is derived from the
 * configured API tokens, so sessions survive a restart and every session ends when the token
 * list changes (rotating a token logs everyone out). The cookie never contains a token.
 * Logout revokes the session id in this process's memory (bounded by MAX_REVOKED_SESSIONS,
 * each entry kept until the cookie's own expiry): the cookie stops working at once. A restart
 * forgets revocations; rotate a token to end every session for good.
 */
export function createSessionCodec(apiTokens: readonly string[], maxAgeMs: number): SessionCodec {
  const key = createHmac('sha256', 'tracehound-session-v2').update([...apiTokens].sort().join('\0')).digest();
  const sign = (expiresMs: number, id: string) => createHmac('sha256', key).update(`v2.${expiresMs}.${id}`).digest('base64url');
  /** Revoked session id → the cookie's expiry (ms). */
  const revoked = new Map<string, number>();

  const parse = (value: string | undefined, nowMs: number): { id: string; expiresMs: number } | null => {
    if (value === undefined || apiTokens.length === 0) return null;
    const match = FORMAT.exec(value);
    if (match === null) return null;
    const expiresMs = Number(match[1]);
    const id = match[2]!;
    const given = Buffer.from(match[3]!, 'base64url');
    const expected = Buffer.from(sign(expiresMs, id), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || expiresMs <= nowMs) return null;
    return { id, expiresMs };
  };

  const forgetExpired = (nowMs: number) => {
    for (const [id, expiresMs] of revoked) if (expiresMs <= nowMs) revoked.delete(id);
    while (revoked.size >= MAX_REVOKED_SESSIONS) {
      let soonest: string | undefined;
      let soonestMs = Infinity;
      for (const [id, expiresMs] of revoked) if (expiresMs < soonestMs) [soonest, soonestMs] = [id, expiresMs];
      revoked.delete(soonest!);
    }
  };

  return {
    issue(nowMs) {
      const expiresMs = nowMs + maxAgeMs;
      const id = randomBytes(16).toString('base64url');
      return `v2.${expiresMs}.${id}.${sign(expiresMs, id)}`;
    },
    verify(value, nowMs) {
      const session = parse(value, nowMs);
      return session !== null && !revoked.has(session.id);
    },
    revoke(value, nowMs) {
      const session = parse(value, nowMs);
      if (session === null || revoked.has(session.id)) return;
      if (revoked.size >= MAX_REVOKED_SESSIONS / 2) forgetExpired(nowMs);
      revoked.set(session.id, session.expiresMs);
    },
  };
}
