import { openDatabase, type Db } from './database.js';
import type { Storage, StorageFactory } from '../api.js';
import { createSqliteTraceWriter } from './sqlite-trace-writer.js';
import { createSqliteRunQueries } from './sqlite-run-queries.js';
import { createSqliteFlagStore } from './sqlite-flag-store.js';
import { createSqliteAnalysisStore, createSqliteBaselineStore } from './sqlite-analysis-store.js';
import { createSqliteSuppressionStore } from './sqlite-suppression-store.js';
import { createSqliteReportStore } from './sqlite-report-store.js';
import { createSqliteReportQueries } from './sqlite-report-queries.js';
import { createSqliteMaintenance } from './sqlite-maintenance.js';
import { createSqliteLogStore } from './sqlite-log-store.js';
import { createSqliteLeaseStore } from './sqlite-lease-store.js';
import { startSearchBackfill } from './search-backfill.js';

export interface SqliteStorageOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** `full` fsyncs every commit (an acknowledged span survives power loss); `normal` survives a process crash only. Default full. */
  synchronous?: 'full' | 'normal';
  /** Page cache per connection, MiB. Default 64. */
  cacheSizeMb?: number;
  /** Commit spans on a writer thread with its own connection (file databases only). Default false. */
  writerThread?: boolean;
  /** Open read-only (a second process reading); no migrations, writes reject. */
  readonly?: boolean;
}

/** The SQLite backend bound to an open connection (which `close()` closes). */
export function createSqliteStorage(db: Db, options: SqliteStorageOptions): Storage {
  const traces = createSqliteTraceWriter(db, {
    path: options.path,
    synchronous: options.synchronous ?? 'full',
    cacheSizeMb: options.cacheSizeMb ?? 64,
    writerThread: (options.writerThread ?? false) && !options.readonly,
  });
  // Spans stored before migration 0010 get their search words in the background (0028).
  const backfill = options.readonly ? null : startSearchBackfill(db);
  let closing: Promise<void> | undefined;
  return {
    backend: 'sqlite',
    traces,
    logs: createSqliteLogStore(db),
    runs: createSqliteRunQueries(db),
    flags: createSqliteFlagStore(db),
    analysis: createSqliteAnalysisStore(db, { commitElsewhere: traces.commitAnalyses ?? undefined }),
    baselines: createSqliteBaselineStore(db),
    suppressions: createSqliteSuppressionStore(db),
    reports: createSqliteReportStore(db),
    reportQueries: createSqliteReportQueries(db),
    maintenance: createSqliteMaintenance(db),
    leases: createSqliteLeaseStore(),
    close() {
      closing ??= (async () => {
        backfill?.stop();
        await traces.close();
        db.close();
      })();
      return closing;
    },
  };
}

/**
 * Opens (creating and migrating) the SQLite database and returns the backend. Rejects with
 * DatabaseDamagedError for a file that is not SQLite or fails its integrity check.
 */
export const openSqliteStorage: StorageFactory<SqliteStorageOptions> = async (options) => {
  const db = openDatabase(options.path, {
    synchronous: options.synchronous,
    cacheSizeMb: options.cacheSizeMb,
    readonly: options.readonly,
  });
  return createSqliteStorage(db, options);
};
