import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpConnection } from '../../store/clickhouse/http-connection.js';
import type { ClickHouseConnection } from '../../store/clickhouse/connection.js';
import { createSchema, schemaStatements, tableNames } from '../../store/clickhouse/schema.js';
import { sqlString, sqlStringList, sqlIdentifier, sqlInt } from '../../store/clickhouse/sql-literal.js';
import { wellFormed } from '../../store/clickhouse/well-formed.js';
import { createChdbConnection } from './support/chdb-connection.js';
import { startTestCluster } from './support/test-cluster.js';

// Strings a span may carry: quotes, escapes, control bytes, SQL, lone surrogates, non-ASCII.
const HOSTILE = [
  "it's",
  'back\\slash',
  '\\',
  "\\'",
  "'; DROP TABLE spans; --",
  'nul\u0000byte',
  'line\nfeed\r\ttab',
  '\u001b[31mred\u001b[0m\u007f',
  '\ud800 lone high',
  'lone low \udc00',
  '😀 paired',
  'é 中文 ‮ bidi',
  '\\x41 not an escape',
  '{"json": "\\u0000"}',
  '',
];

/** The same checks on Debian's ClickHouse 18.16 cluster and on embedded current ClickHouse. */
function dialectSuite(name: string, connect: () => Promise<{ connection: ClickHouseConnection; cluster: string; dispose(): Promise<void> }>) {
  describe(name, () => {
    let connection: ClickHouseConnection;
    let cluster: string;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ connection, cluster, dispose } = await connect());
    }, 60_000);
    afterAll(async () => {
      await connection?.close();
      await dispose?.();
    });

    it('reads back every hostile string spelled as a literal, unchanged (lone surrogates as U+FFFD)', async () => {
      for (const value of HOSTILE) {
        const rows = await connection.select<{ s: string }>(`SELECT ${sqlString(value)} AS s`);
        expect(rows[0]!.s).toBe(wellFormed(value));
      }
      const rows = await connection.select<{ n: string }>(`SELECT count() AS n FROM system.one WHERE 'x' IN ${sqlStringList(HOSTILE)}`);
      expect(Number(rows[0]!.n)).toBe(0);
    });

    it('creates the schema twice without error and stores hostile strings in it through inserts', async () => {
      const options = { database: 'dialect_test', cluster };
      await createSchema(connection, options);
      await createSchema(connection, options);
      const tables = tableNames(options);
      await connection.insert(
        tables.suppressions,
        HOSTILE.map((value, i) => ({ id: `s${i}`, detector: 'tool_loop', scope: 'tool', value, note: value, from_flag_id: null, created_at_ms: i, deleted: 0, row_version: 1 })),
        { insert_quorum: 2, insert_distributed_sync: 1 },
      );
      for (const [i, value] of HOSTILE.entries()) {
        const rows = await connection.select<{ id: string; note: string }>(
          `SELECT id, note, row_version FROM ${tables.suppressions} FINAL WHERE value = ${sqlString(wellFormed(value))} ORDER BY id`,
        );
        expect(rows.map((r) => r.id)).toEqual([`s${i}`]);
        expect(rows[0]!.note).toBe(wellFormed(value));
      }
    });

    it('adds the columns a later release added to tables an earlier one created', async () => {
      const options = { database: 'upgrade_test', cluster };
      await createSchema(connection, options);
      const spans = cluster ? 'spans_local' : 'spans';
      const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
      // As the release before run texts and search left them.
      await connection.exec(`ALTER TABLE upgrade_test.${spans}${onCluster} DROP COLUMN search_text`);
      if (cluster) {
        await connection.exec(`DROP TABLE upgrade_test.spans${onCluster}`);
        await connection.exec(`CREATE TABLE upgrade_test.spans${onCluster} AS upgrade_test.spans_local ENGINE = Distributed(${cluster}, upgrade_test, spans_local, cityHash64(trace_id))`);
      }
      const columns = async () => (await connection.select<{ table: string }>(`SELECT table FROM system.columns WHERE database = 'upgrade_test' AND name = 'search_text' ORDER BY table`)).map((r) => r.table);
      expect(await columns()).toEqual([]);
      await createSchema(connection, options);
      expect(await columns()).toEqual(cluster ? ['spans', 'spans_local'] : ['spans']);
    });
  });
}

dialectSuite('ClickHouse 18.16 cluster (2 shards × 2 replicas)', async () => {
  const cluster = await startTestCluster();
  const connection = createHttpConnection({ urls: cluster.urls, user: 'default', password: '' });
  expect(await connection.version()).toMatch(/^18\.16\./);
  return { connection, cluster: cluster.cluster, dispose: () => cluster.dispose() };
});

dialectSuite('current ClickHouse (chdb)', async () => {
  const connection = createChdbConnection();
  expect(Number((await connection.version()).split('.')[0])).toBeGreaterThanOrEqual(24);
  return { connection, cluster: '', dispose: async () => {} };
});

describe('SQL literals', () => {
  it('refuses identifiers and numbers that are not plain', () => {
    expect(() => sqlIdentifier('a`b')).toThrow(RangeError);
    expect(() => sqlIdentifier('db; DROP')).toThrow(RangeError);
    expect(() => sqlInt(1.5)).toThrow(RangeError);
    expect(() => sqlInt(Number.NaN)).toThrow(RangeError);
    expect(sqlInt(2n ** 62n)).toBe('4611686018427387904');
    expect(schemaStatements({ database: 'x', cluster: 'c' }).every((s) => s.includes('ON CLUSTER `c`'))).toBe(true);
  });
});
