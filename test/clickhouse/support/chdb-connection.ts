import { Session } from 'chdb';
import type { ClickHouseConnection, ClickHouseSettings } from '../../../store/clickhouse/connection.js';
import { wellFormedRow } from '../../../store/clickhouse/well-formed.js';

/**
 * `ClickHouseConnection` over embedded chdb (ClickHouse 26.7) in a temporary directory: the
 * store's own SQL, run on current ClickHouse, in tests. Settings go in a SETTINGS clause, as
 * the HTTP interface would take them as URL parameters.
 */
export function createChdbConnection(): ClickHouseConnection {
  const session = new Session();
  const withSettings = (sql: string, settings: ClickHouseSettings = {}) => {
    const entries = Object.entries(settings).filter(([name]) => !name.startsWith('insert_quorum') && name !== 'insert_distributed_sync');
    return entries.length === 0 ? sql : `${sql} SETTINGS ${entries.map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}`;
  };
  return {
    async select<Row>(sql: string, settings?: ClickHouseSettings) {
      const text = session.query(withSettings(sql, settings), 'JSONEachRow');
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Row);
    },
    async exec(sql, settings) {
      session.query(withSettings(sql, settings), 'CSV');
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      const body = rows.map((row) => JSON.stringify(wellFormedRow(row))).join('\n');
      session.query(`INSERT INTO ${table} FORMAT JSONEachRow\n${body}`, 'CSV');
    },
    async version() {
      return session.query('SELECT version()', 'TSVRaw').trim();
    },
    async close() {
      session.cleanup();
    },
  };
}
