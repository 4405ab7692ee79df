import { afterAll, beforeAll, describe } from 'vitest';
import { runStorageConformance } from '../../store/conformance/storage-conformance.js';
import { openClickHouseStorage, createClickHouseStorage } from '../../store/clickhouse/open-clickhouse-storage.js';
import type { ClickHouseConnection } from '../../store/clickhouse/connection.js';
import { createChdbConnection } from './support/chdb-connection.js';
import { startTestCluster } from './support/test-cluster.js';

/**
 * The shared storage conformance suite (the same cases SQLite passes) on the ClickHouse backend:
 * on Debian's 18.16 as a real 2 × 2 cluster (started once for this file), and on current
 * ClickHouse (embedded chdb 26.7). Each case gets a fresh database.
 */
let nextDatabase = 0;

// The cluster's suite first, and the cluster stopped before chdb starts: the embedded server
// takes over the process's child signals, after which a child's exit is never seen.
describe('on the 18.16 cluster', () => {
  let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
  });
  runStorageConformance(
    'clickhouse 18.16, 2 shards × 2 replicas',
    () => openClickHouseStorage({ urls: cluster!.urls, database: `conformance_${nextDatabase++}`, cluster: cluster!.cluster, user: 'default', password: '' }),
    // ON CLUSTER DDL for a fresh database takes a few seconds on a loaded machine.
    { timeoutMs: 60_000 },
  );
});

// chdb runs one session per process: every case shares it, each in its own database, which it
// drops when the case closes its storage.
describe('on current ClickHouse', () => {
  let chdb: ClickHouseConnection | undefined;
  afterAll(async () => {
    await chdb?.close();
  });
  runStorageConformance('clickhouse current (chdb 26.7)', async () => {
    chdb ??= createChdbConnection();
    const shared = chdb;
    const database = `conformance_chdb_${nextDatabase++}`;
    const connection: ClickHouseConnection = { ...shared, close: () => shared.exec(`DROP DATABASE IF EXISTS ${database}`) };
    return createClickHouseStorage(connection, { database, cluster: '' });
  });
});
