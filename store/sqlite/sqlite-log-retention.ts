import type { Db } from './database.js';

/** Log records deleted per transaction (≈ the cost of one span batch). */
export const LOG_RECORDS_PER_DELETE = 2_000;

/**
 * Retention of log_records beyond what goes with a deleted run (the per-trace delete takes a
 * run's records with it): records whose own time is past the age limit, whatever trace they name
 * (most are tied to no stored run), and, under the size cap, the oldest records when they are
 * older than every stored run. Each call deletes at most LOG_RECORDS_PER_DELETE records in one
 * transaction and returns how many, so the caller yields between calls. Uses log_records_time
 * (migration 0018).
 */
export interface LogRecordRetention {
  /** Deletes a batch of records with time before `beforeNs`. */
  deleteBefore(beforeNs: bigint): number;
  /**
   * Under the size cap: deletes a batch of the oldest records if they are older than the oldest
   * stored run (or there is no run left); 0 when the oldest data is a run.
   */
  deleteOldestIfOlderThanRuns(): number;
}

export function createLogRecordRetention(db: Db): LogRecordRetention | null {
  const present = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_records'").get();
  if (present === undefined) return null;
  const deleteBefore = db.prepare('DELETE FROM log_records WHERE id IN (SELECT id FROM log_records WHERE time_ns < ? ORDER BY time_ns LIMIT ?)');
  const oldestRun = db.prepare('SELECT start_ns AS startNs FROM runs ORDER BY start_ns LIMIT 1').safeIntegers(true);
  const oldestRecord = db.prepare('SELECT time_ns AS timeNs FROM log_records ORDER BY time_ns LIMIT 1').safeIntegers(true);
  const deleteOldest = db.prepare('DELETE FROM log_records WHERE id IN (SELECT id FROM log_records ORDER BY time_ns LIMIT ?)');
  return {
    deleteBefore(beforeNs) {
      return deleteBefore.run(beforeNs, LOG_RECORDS_PER_DELETE).changes;
    },
    deleteOldestIfOlderThanRuns() {
      const record = oldestRecord.get() as { timeNs: bigint } | undefined;
      if (record === undefined) return 0;
      const run = oldestRun.get() as { startNs: bigint } | undefined;
      if (run !== undefined && record.timeNs >= run.startNs) return 0;
      return run === undefined ? deleteOldest.run(LOG_RECORDS_PER_DELETE).changes : deleteBefore.run(run.startNs, LOG_RECORDS_PER_DELETE).changes;
    },
  };
}
