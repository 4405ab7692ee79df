import type { Db } from './sqlite/database.js';

/**
 * Trace ids starting with `prefix` (lowercase hex, shorter than 32 digits), at most `limit`, in
 * id order: the web view shows 12-hex prefixes, and /runs/<prefix> resolves them. A range scan
 * on the runs table's primary key.
 */
export function findTraceIdsByPrefix(db: Db, prefix: string, limit = 20): string[] {
  if (!/^[0-9a-f]{1,31}$/.test(prefix)) return [];
  const low = prefix.padEnd(32, '0');
  const high = prefix.padEnd(32, 'f');
  return db.prepare('SELECT trace_id FROM runs WHERE trace_id >= ? AND trace_id <= ? ORDER BY trace_id LIMIT ?').pluck().all(low, high, limit) as string[];
}
