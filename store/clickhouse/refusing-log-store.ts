import { StorageUnavailableError, type LogStore } from '../api.js';

/**
 * The LogStore of a backend that does not store log records yet (ClickHouse): writes are refused
 * as unavailable (OTLP 503 — a 2xx would claim records were stored), reads find nothing.
 */
export function refusingLogStore(backend: string): LogStore {
  return {
    async writeLogRecords() {
      throw new StorageUnavailableError(`log records are not stored on the ${backend} backend yet`);
    },
    async listUnjoinedContent() {
      return [];
    },
    async joinContentEvents() {
      return 0;
    },
    async listSpanLogs() {
      return { records: [], total: 0 };
    },
  };
}
