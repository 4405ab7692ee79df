import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Answers "is this one of the configured secrets?" in time that depends on neither the
 * candidate nor which key (if any) it matches: both sides are hashed to 32 bytes with SHA-256
 * and every key is compared with crypto.timingSafeEqual, without stopping at the first match.
 * Keys are held only as hashes; nothing here logs.
 */
export type KeyMatcher = (candidate: string | undefined | null) => boolean;

export function createKeyMatcher(keys: readonly string[]): KeyMatcher {
  const digests = keys.map(sha256);
  return (candidate) => {
    if (candidate === undefined || candidate === null || candidate === '' || digests.length === 0) return false;
    const digest = sha256(candidate);
    let matched = false;
    for (const key of digests) matched = timingSafeEqual(digest, key) || matched;
    return matched;
  };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
