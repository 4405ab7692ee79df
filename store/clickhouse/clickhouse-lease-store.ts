import type { LeaseStore } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { sqlInt, sqlString } from './sql-literal.js';

/**
 * Leases over ClickHouse, which has no compare-and-set: a claim is a row, and the winner is
 * decided by a rule every process applies to the same rows.
 *  1. Read the live claims of the name: if there are any, the claim is granted only to the
 *     smallest holder among them (a late claimant never takes over a live lease).
 *  2. Otherwise insert this holder's claim (quorum-acknowledged like every write) and wait
 *     `settleMs`, long enough for every claim inserted before the others read to be visible;
 *  3. read the live claims again: granted when this holder is the smallest among them.
 * Claimants that all found no claim in step 1 inserted theirs before any of them re-reads in
 * step 3 (given inserts take less than `settleMs`), so all see the same set and agree on one.
 * Reads use sequential consistency (only quorum-written rows, on a replica that has them all).
 */
export function createClickHouseLeaseStore(context: ClickHouseContext, options: { settleMs: number }): LeaseStore {
  const { connection, tables } = context;

  async function liveHolders(name: string, nowMs: number): Promise<string[]> {
    const rows = await connection.select<{ holder: string }>(
      `SELECT holder FROM (SELECT name, holder, expires_at_ms FROM ${tables.leases} FINAL WHERE name = ${sqlString(name)})
       WHERE expires_at_ms > ${sqlInt(Math.floor(nowMs))} ORDER BY holder`,
      context.readSettings,
    );
    return rows.map((row) => row.holder);
  }

  return {
    async claimLease(name, holder, ttlMs, nowMs = Date.now()) {
      const before = await liveHolders(name, nowMs);
      if (before.length > 0) return before[0] === holder;
      await connection.insert(
        tables.leases,
        [{ name, holder, claimed_at_ms: Math.floor(nowMs), expires_at_ms: Math.floor(nowMs + Math.max(0, ttlMs)) }],
        context.writeSettings,
      );
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      const after = await liveHolders(name, nowMs);
      return after[0] === holder;
    },
  };
}
