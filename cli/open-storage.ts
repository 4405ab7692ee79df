import type { Config } from '../config/schema.js';
import type { Storage } from '../store/api.js';
import { openSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { openClickHouseStorage } from '../store/clickhouse/open-clickhouse-storage.js';
import { requireExistingDatabase } from './existing-database.js';

export { DatabaseDamagedError } from '../store/sqlite/database.js';

/**
 * The commands' storage factory (with cli/service.ts, the composition root): opens the backend
 * the configuration names (`storage.backend`) and hands back the store/api.ts interfaces; only
 * this file and cli/service.ts know the backends.
 */
export interface OpenStorageOptions {
  /**
   * The command only reads or analyses what is stored (analyze, report, backup): on SQLite it
   * refuses a database file that does not exist rather than create an empty one (a mistyped
   * --db would otherwise "work" and report nothing), throwing UsageError. `fromFlag`: the path
   * came from --db (named in the message).
   */
  existing?: { fromFlag: boolean };
  /** SQLite: open read-only (no migrations; writes reject). */
  readonly?: boolean;
}

export async function openConfiguredStorage(config: Config, options: OpenStorageOptions = {}): Promise<Storage> {
  if (config.storage.backend === 'clickhouse') return openClickHouseStorage(config.storage.clickhouse);
  if (options.existing !== undefined) requireExistingDatabase(config.storage.path, options.existing.fromFlag);
  return openSqliteStorage({
    path: config.storage.path,
    synchronous: config.storage.synchronous,
    cacheSizeMb: config.storage.cacheSizeMb,
    readonly: options.readonly,
  });
}
