import { randomUUID } from 'node:crypto';
import type { Storage, StorageFactory } from '../api.js';
import type { ClickHouseConnection } from './connection.js';
import { createContext } from './context.js';
import { createHttpConnection } from './http-connection.js';
import { createSchema, tableNames } from './schema.js';
import { createClickHouseTraceWriter } from './clickhouse-trace-writer.js';
import { createClickHouseRunQueries } from './clickhouse-run-queries.js';
import { createClickHouseFlagStore } from './clickhouse-flag-store.js';
import { createClickHouseAnalysisStore, createClickHouseBaselineStore } from './clickhouse-analysis-store.js';
import { createClickHouseSuppressionStore } from './clickhouse-suppression-store.js';
import { createClickHouseReportStore } from './clickhouse-report-store.js';
import { createClickHouseReportQueries } from './clickhouse-report-queries.js';
import { createClickHouseMaintenance } from './clickhouse-maintenance.js';
import { createClickHouseLogStore, createLogSchema, logTableNames } from './clickhouse-log-store.js';
import { createClickHouseLeaseStore } from './clickhouse-lease-store.js';

export interface ClickHouseStorageOptions {
  /** HTTP URLs of the servers; requests go to any that answers. */
  urls: string[];
  database: string;
  /** Cluster name in the servers' remote_servers; empty for one server. */
  cluster: string;
  user: string;
  password: string;
  /** This process's name in `runs.received_by`; default a random UUID per start. */
  processId?: string;
  /** How long a lease claim waits for other processes' claims to show (clickhouse-lease-store.ts). Default 2000 ms. */
  leaseSettleMs?: number;
}

/**
 * The ClickHouse backend over a connection (tests pass an embedded chdb one). Creates the
 * schema when missing (every statement is IF NOT EXISTS: several processes may start at once).
 *
 * Consistency across processes: every write is acknowledged by both replicas of its shard
 * (insert_quorum = 2) before it resolves, and reads go to any replica, so a resolved write is
 * seen by every process. Runs are written by the process that received their spans (the
 * Collector's loadbalancing exporter routes a trace to one process); two processes receiving
 * spans of the same trace at the same moment may leave its totals a cycle behind until its next
 * spans or analysis.
 */
export async function createClickHouseStorage(
  connection: ClickHouseConnection,
  options: Omit<ClickHouseStorageOptions, 'urls' | 'user' | 'password'> & { servers?: ClickHouseConnection[] },
): Promise<Storage> {
  const schema = { database: options.database, cluster: options.cluster };
  await createSchema(connection, schema);
  await createLogSchema(connection, schema);
  const context = createContext(connection, tableNames(schema), options.cluster !== '', options.processId ?? randomUUID());
  const traces = createClickHouseTraceWriter(context);
  let closing: Promise<void> | undefined;
  return {
    backend: 'clickhouse',
    traces,
    logs: createClickHouseLogStore(context, logTableNames(schema)),
    runs: createClickHouseRunQueries(context),
    flags: createClickHouseFlagStore(context),
    analysis: createClickHouseAnalysisStore(context),
    baselines: createClickHouseBaselineStore(context),
    suppressions: createClickHouseSuppressionStore(context),
    reports: createClickHouseReportStore(context),
    reportQueries: createClickHouseReportQueries(context),
    maintenance: createClickHouseMaintenance(context, { ...schema, servers: options.servers ?? [connection] }),
    leases: createClickHouseLeaseStore(context, { settleMs: options.leaseSettleMs ?? 2_000 }),
    close() {
      closing ??= (async () => {
        await traces.close();
        await connection.close();
        await Promise.all((options.servers ?? []).map((server) => server.close()));
      })();
      return closing;
    },
  };
}

/** Opens the ClickHouse backend over HTTP with fail-over between `urls`. */
export const openClickHouseStorage: StorageFactory<ClickHouseStorageOptions> = async (options) => {
  const login = { user: options.user, password: options.password };
  const connection = createHttpConnection({ urls: options.urls, ...login });
  const servers = options.urls.map((url) => createHttpConnection({ urls: [url], ...login, requestTimeoutMs: 3_000 }));
  try {
    return await createClickHouseStorage(connection, { ...options, servers });
  } catch (error) {
    await connection.close();
    await Promise.all(servers.map((server) => server.close()));
    throw new Error(`storage.clickhouse: cannot open ${options.urls.join(', ')}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
};
