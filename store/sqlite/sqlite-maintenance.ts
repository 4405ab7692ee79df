import type { Db } from './database.js';
import type { Maintenance } from '../api.js';
import { createSqliteRetention } from './sqlite-retention.js';
import { backupDatabase } from './backup.js';

/** Maintenance over SQLite: retention in small transactions, the online backup API, page counts. */
export function createSqliteMaintenance(db: Db): Maintenance {
  const probe = db.prepare('SELECT 1');
  return {
    async runRetention(policy, options = {}) {
      const retention = createSqliteRetention(db, policy, { shouldStop: options.shouldStop, onDeleted: options.onDeleted });
      return retention.runPass(options.nowMs);
    },
    backup: (outPath) => backupDatabase(db, outPath),
    async size() {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pages = db.pragma('page_count', { simple: true }) as number;
      const free = db.pragma('freelist_count', { simple: true }) as number;
      return { dataBytes: (pages - free) * pageSize, fileBytes: pages * pageSize };
    },
    async health() {
      try {
        probe.get();
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `database: ${(error as Error).message}` };
      }
    },
  };
}
