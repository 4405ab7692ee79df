import type { Maintenance, RetentionPassResult } from '../api.js';
import type { ClickHouseConnection } from './connection.js';
import type { ClickHouseContext } from './context.js';
import { msToNs } from './cursor.js';
import { sqlIdentifier, sqlInt, sqlString, sqlStringList } from './sql-literal.js';
import { DEDUP_READ, FLAG_COLUMNS, liveFlags, type FlagRow } from './flag-rows.js';
import { readRunRows, writeRunRows } from './run-rows.js';
import { deleteLogRecords } from './clickhouse-log-store.js';

export interface MaintenanceOptions {
  database: string;
  cluster: string;
  /** One connection per server (health asks each: a dead replica means its shard has no quorum). */
  servers: ClickHouseConnection[];
}

/**
 * Maintenance over ClickHouse. Retention deletes the oldest runs in units of `batchMaxRuns`:
 * by age (run start before the limit), then by size (the estimated number of oldest runs whose
 * bytes exceed the cap). A unit hides its runs at once (tombstones) and removes their spans,
 * runs and flags with replicated mutations, which run in the background (on 18.16 a shard's
 * latest quorum-written part is mutated only once a later insert reaches it, so an idle
 * cluster keeps the rows, hidden, until ingest resumes). Ingest never waits for retention:
 * mutations take no lock inserts need. A backup to one file is not
 * offered: replicas are the copies.
 */
export function createClickHouseMaintenance(context: ClickHouseContext, options: MaintenanceOptions): Maintenance {
  const { connection, tables } = context;
  const db = sqlIdentifier(options.database);
  const onCluster = options.cluster ? ` ON CLUSTER ${sqlIdentifier(options.cluster)}` : '';
  const local = (name: string) => `${db}.${sqlIdentifier(options.cluster ? `${name}_local` : name)}`;

  async function size(): Promise<{ dataBytes: number; fileBytes: number }> {
    const perServer = await Promise.all(
      options.servers.map((server) =>
        server
          .select<{ b: string }>(`SELECT toString(sum(bytes_on_disk)) AS b FROM system.parts WHERE active AND database = ${sqlString(options.database)}`)
          .then((rows) => Number(rows[0]?.b ?? 0))
          .catch(() => 0),
      ),
    );
    const total = perServer.reduce((a, b) => a + b, 0);
    return { dataBytes: total, fileBytes: total };
  }

  /**
   * Deletes these runs with everything of their trace. First what readers see: tombstones for the
   * runs and their flags (replacing rows, visible at once on every process); then the rows
   * themselves, by mutations (ALTER … DELETE, replicated) that run in the background.
   */
  async function deleteRuns(traceIds: string[]): Promise<number> {
    const ids = sqlStringList(traceIds);
    const [spans] = await connection.select<{ n: string }>(`SELECT toString(count()) AS n FROM ${tables.spans} WHERE trace_id IN ${ids}`);
    const flags = await connection.select<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM ${liveFlags(context)} WHERE deleted = 0 AND trace_id IN ${ids}`, DEDUP_READ);
    if (flags.length > 0) await connection.insert(tables.flags, flags.map((flag) => ({ ...flag, deleted: 1, row_version: context.nextVersion() })), context.writeSettings);
    await context.withRunLock(async () => {
      const runs = await readRunRows(context, traceIds);
      await writeRunRows(context, [...runs.values()].map((row) => ({ ...row, deleted: 1 })));
    });
    // Sharded tables on every shard (ON CLUSTER); the others are one replication group: one ALTER.
    await connection.exec(`ALTER TABLE ${local('spans')}${onCluster} DELETE WHERE trace_id IN ${ids}`);
    await connection.exec(`ALTER TABLE ${local('runs')}${onCluster} DELETE WHERE trace_id IN ${ids}`);
    await connection.exec(`ALTER TABLE ${local('flags')} DELETE WHERE trace_id IN ${ids}`);
    await deleteLogRecords(connection, options, { traceIds });
    await connection.exec(`ALTER TABLE ${local('silenced_flags')} DELETE WHERE trace_id IN ${ids}`);
    return Number(spans?.n ?? 0);
  }

  /** The oldest live runs starting before `beforeNs` (all when null), at most `limit`. */
  async function oldestRuns(beforeNs: bigint | null, limit: number): Promise<string[]> {
    const rows = await connection.select<{ trace_id: string }>(
      `SELECT trace_id FROM (SELECT trace_id, start_ns, deleted, row_version FROM ${tables.runs} FINAL)
       WHERE deleted = 0${beforeNs === null ? '' : ` AND start_ns < ${sqlInt(beforeNs)}`} ORDER BY start_ns, trace_id LIMIT ${sqlInt(limit)}`,
      DEDUP_READ,
    );
    return rows.map((row) => row.trace_id);
  }

  async function liveRunCount(): Promise<number> {
    const [row] = await connection.select<{ n: string }>(`SELECT toString(count()) AS n FROM (SELECT trace_id, deleted, row_version FROM ${tables.runs} FINAL) WHERE deleted = 0`, DEDUP_READ);
    return Number(row?.n ?? 0);
  }

  return {
    async runRetention(policy, run = {}) {
      const nowMs = run.nowMs ?? Date.now();
      const unitRuns = Math.min(Math.max(1, Math.floor(policy.batchMaxRuns)), 500);
      let longestStepMs = 0;
      const deleted = { age: { runs: 0, spans: 0 }, size: { runs: 0, spans: 0 } };
      /** Deletes up to `budget` of the oldest runs before `beforeNs`, a unit at a time. */
      const sweep = async (reason: 'age' | 'size', beforeNs: bigint | null, budget: number) => {
        while (budget > 0 && !run.shouldStop?.()) {
          const traceIds = await oldestRuns(beforeNs, Math.min(unitRuns, budget));
          if (traceIds.length === 0) return;
          const started = Date.now();
          const spans = await deleteRuns(traceIds);
          longestStepMs = Math.max(longestStepMs, Date.now() - started);
          deleted[reason].runs += traceIds.length;
          deleted[reason].spans += spans;
          budget -= traceIds.length;
          run.onDeleted?.(reason, traceIds.length, spans);
        }
      };
      if (policy.maxAgeDays > 0 && !run.shouldStop?.()) {
        const cutoffMs = nowMs - policy.maxAgeDays * 86_400_000;
        await sweep('age', msToNs(cutoffMs), Number.POSITIVE_INFINITY);
        if (!run.shouldStop?.()) {
          // Baselines and reports older than the age limit (one replication group each).
          await connection.exec(`ALTER TABLE ${local('baselines')} DELETE WHERE bucket_start_ms < ${sqlInt(Math.floor(cutoffMs))}`);
          await connection.exec(`ALTER TABLE ${local('reports')} DELETE WHERE until_ms < ${sqlInt(Math.floor(cutoffMs))}`);
          // Log records by their own time, whether or not a stored run holds them.
          await deleteLogRecords(connection, options, { beforeNs: msToNs(cutoffMs) });
        }
      }
      if (policy.maxDatabaseMb > 0 && !run.shouldStop?.()) {
        // Parts leave the disk minutes after a delete (merges, then old_parts_lifetime), so the
        // size cannot be re-measured per unit: the runs to delete are estimated once, from the
        // average bytes per live run.
        const { dataBytes } = await size();
        const capBytes = policy.maxDatabaseMb * 1024 * 1024;
        const runs = await liveRunCount();
        if (dataBytes > capBytes && runs > 0) {
          const excess = Math.ceil(((dataBytes - capBytes) / dataBytes) * runs);
          await sweep('size', null, excess);
        }
      }
      const after = await size();
      return {
        deletedRuns: deleted.age.runs + deleted.size.runs,
        deletedSpans: deleted.age.spans + deleted.size.spans,
        deletedByAge: deleted.age.runs,
        deletedBySize: deleted.size.runs,
        dataBytes: after.dataBytes,
        fileBytes: after.fileBytes,
        reclaimedPages: 0,
        longestStepMs,
      } satisfies RetentionPassResult;
    },
    async backup() {
      throw new Error('backup to a file is offered by the SQLite backend only; on ClickHouse every part is on two replicas (use clickhouse-backup or FREEZE for off-cluster copies)');
    },
    size,
    async health() {
      try {
        if (!options.cluster) {
          await connection.select('SELECT 1');
          return { ok: true };
        }
        // Every server up, none read-only (ZooKeeper lost), every replicated table with both of its
        // shard's replicas active: otherwise some insert cannot reach its quorum.
        const checks = await Promise.all(
          options.servers.map((server) =>
            server.select<{ readonly: string; min_active: string; n: string }>(
              `SELECT toString(sum(is_readonly)) AS readonly, toString(min(active_replicas)) AS min_active, toString(count()) AS n
               FROM system.replicas WHERE database = ${sqlString(options.database)} AND table IN ('spans_local', 'runs_local')`,
            ),
          ),
        );
        for (const [i, rows] of checks.entries()) {
          const row = rows[0];
          if (row === undefined || Number(row.n) === 0) continue;
          if (Number(row.readonly) > 0) return { ok: false, error: `ClickHouse server ${i + 1}: tables read-only (ZooKeeper unreachable)` };
          if (Number(row.min_active) < 2) return { ok: false, error: `ClickHouse server ${i + 1}: a replica of its shard is down, inserts cannot reach their quorum` };
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `ClickHouse: ${(error as Error).message.split('\n')[0]}` };
      }
    },
  };
}
