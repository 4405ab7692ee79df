import type { ClickHouseConnection, ClickHouseSettings } from './connection.js';
import type { Tables } from './schema.js';

/** What every part of the ClickHouse backend shares: one connection, the table names, the rules. */
export interface ClickHouseContext {
  connection: ClickHouseConnection;
  tables: Tables;
  /** Durability of every insert: a quorum of replicas (both of the shard) before it resolves. */
  writeSettings: ClickHouseSettings;
  /** Reads that must see only quorum-acknowledged rows (select_sequential_consistency). */
  readSettings: ClickHouseSettings;
  /** This process, as it marks the runs it received (each process analyses what it receives). */
  processId: string;
  /**
   * A row version greater than every earlier one from this process (and, with clocks in step,
   * from the others): microseconds since the epoch, kept strictly increasing.
   */
  nextVersion(): number;
  /**
   * Serialises the read-modify-write of run rows in this process (ingest totals and analysis
   * results both rewrite a run's row); the OpenTelemetry Collector's loadbalancing exporter
   * routes a trace to one process, so a trace's run row has one writer.
   */
  withRunLock<T>(work: () => Promise<T>): Promise<T>;
}

export function createContext(connection: ClickHouseConnection, tables: Tables, clustered: boolean, processId: string): ClickHouseContext {
  let lastVersion = 0;
  let chain: Promise<unknown> = Promise.resolve();
  return {
    connection,
    tables,
    writeSettings: clustered
      ? {
          // Both replicas of the shard hold the rows before the insert returns; a quorum that is
          // not reached in 5 s is an error (503 upstream), never a silent single copy.
          insert_quorum: 2,
          insert_quorum_timeout: 5_000,
          // Through a Distributed table: the insert returns after every shard took its part.
          insert_distributed_sync: 1,
        }
      : {},
    readSettings: clustered ? { select_sequential_consistency: 1 } : {},
    processId,
    nextVersion() {
      lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
      return lastVersion;
    },
    withRunLock<T>(work: () => Promise<T>): Promise<T> {
      const result = chain.then(work, work);
      chain = result.catch(() => undefined);
      return result;
    },
  };
}
