import type { LeaseStore } from '../api.js';

/**
 * Leases for the SQLite backend: one process serves a database file (the writer holds it), so
 * its leases live in that process's memory and every claim is decided here, at once.
 */
export function createSqliteLeaseStore(): LeaseStore {
  const granted = new Map<string, { holder: string; expiresAtMs: number }>();
  return {
    async claimLease(name, holder, ttlMs, nowMs = Date.now()) {
      const current = granted.get(name);
      if (current !== undefined && current.expiresAtMs > nowMs) return current.holder === holder;
      granted.set(name, { holder, expiresAtMs: nowMs + Math.max(0, ttlMs) });
      return true;
    },
  };
}
