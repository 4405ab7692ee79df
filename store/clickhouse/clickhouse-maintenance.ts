import type { Maintenance, RetentionPassResult } from '../api.js';
import type { ClickHouseConnection } from './connection.js';
import type { ClickHouseContext } from './context.js';
import { msToNs } from './cursor.js';
import { sqlIdentifier, sqlInt, sqlString } from './sql-literal.js';

export interface MaintenanceOptions {
  database: string;
  cluster: string;
  /** One connection per server (health asks each: a dead replica means its shard has no quorum). */
  servers: ClickHouseConnection[];
}

/**
 * Maintenance over ClickHouse. Retention by age deletes with ALTER … DELETE (a mutation,
 * replicated; ON CLUSTER with a cluster), spans, runs and flags of runs older than the limit.
 * The size cap is not applied here (ClickHouse's disks are sized for the cluster; the
 * operator drops partitions). A backup to one file is not offered: replicas are the copies.
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

  return {
    async runRetention(policy, run = {}) {
      const started = Date.now();
      let deletedRuns = 0;
      let deletedSpans = 0;
      if (policy.maxAgeDays > 0 && !run.shouldStop?.()) {
        const cutoff = sqlInt(msToNs((run.nowMs ?? Date.now()) - policy.maxAgeDays * 86_400_000));
        const [runs, spans] = await Promise.all([
          connection.select<{ n: string }>(`SELECT count() AS n FROM (SELECT trace_id, start_ns, deleted, row_version FROM ${tables.runs} FINAL) WHERE deleted = 0 AND start_ns < ${cutoff}`),
          connection.select<{ n: string }>(`SELECT count() AS n FROM ${tables.spans} WHERE start_ns < ${cutoff}`),
        ]);
        deletedRuns = Number(runs[0]?.n ?? 0);
        deletedSpans = Number(spans[0]?.n ?? 0);
        if (deletedRuns > 0 || deletedSpans > 0) {
          await connection.exec(`ALTER TABLE ${local('spans')}${onCluster} DELETE WHERE start_ns < ${cutoff}`);
          await connection.exec(`ALTER TABLE ${local('runs')}${onCluster} DELETE WHERE start_ns < ${cutoff}`);
          await connection.exec(`ALTER TABLE ${local('flags')}${onCluster} DELETE WHERE run_start_ns < ${cutoff}`);
          run.onDeleted?.('age', deletedRuns, deletedSpans);
        }
      }
      const after = await size();
      return {
        deletedRuns,
        deletedSpans,
        deletedByAge: deletedRuns,
        deletedBySize: 0,
        dataBytes: after.dataBytes,
        fileBytes: after.fileBytes,
        reclaimedPages: 0,
        longestStepMs: Date.now() - started,
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
