import { isIP } from 'node:net';
import { ConfigError } from '../config/load-config.js';
import type { Config } from '../config/schema.js';

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare.startsWith('::ffff:')) return bare.slice(7).startsWith('127.');
  return false;
}

/**
 * Secure by default: listening on a non-loopback address needs both ingest keys and API
 * tokens, unless `auth.allowUnauthenticatedRemote` says the network is trusted. Throws the one
 * line start-up prints before exit 2.
 */
export function assertSafeExposure(config: Pick<Config, 'server' | 'auth'>): void {
  const { host } = config.server;
  const { ingestKeys, apiTokens, allowUnauthenticatedRemote } = config.auth;
  if (allowUnauthenticatedRemote || isLoopbackHost(host)) return;
  const missing = [ingestKeys.length === 0 ? 'auth.ingestKeys' : null, apiTokens.length === 0 ? 'auth.apiTokens' : null].filter(
    (key): key is string => key !== null,
  );
  if (missing.length === 0) return;
  throw new ConfigError(
    `server.host: "${host}" is reachable from other machines but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} empty; ` +
      'set keys (TRACEHOUND_INGEST_KEYS, TRACEHOUND_API_TOKENS), listen on 127.0.0.1, or set auth.allowUnauthenticatedRemote: true',
  );
}
