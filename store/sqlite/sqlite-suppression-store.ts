import type { Db } from './database.js';
import type { SuppressionStore } from '../api.js';
import { deleteSuppression, getSuppression, insertSuppression, listSuppressions, suppressionVersion } from '../suppression-store.js';

/** SuppressionStore over SQLite (table suppressions, unique on detector + scope + value). */
export function createSqliteSuppressionStore(db: Db): SuppressionStore {
  return {
    listSuppressions: async () => listSuppressions(db),
    getSuppression: async (id) => getSuppression(db, id),
    addSuppression: async (rule, nowMs) => insertSuppression(db, rule, nowMs),
    deleteSuppression: async (id) => deleteSuppression(db, id),
    suppressionsVersion: async () => suppressionVersion(db),
  };
}
