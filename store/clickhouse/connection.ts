import { StorageUnavailableError } from '../api.js';

/**
 * How the ClickHouse store talks to ClickHouse: SQL text in, JSON rows out. One interface, two
 * implementations: `createHttpConnection` (the official @clickhouse/client over HTTP, with
 * fail-over between servers) for the service, and an embedded chdb session in tests, which
 * proves the same SQL runs on current ClickHouse.
 */

/** Settings sent with one statement (ClickHouse reads every unknown URL parameter as a setting). */
export type ClickHouseSettings = Record<string, string | number>;

export interface ClickHouseConnection {
  /**
   * Runs a SELECT and returns its rows as objects (JSONEachRow: 64-bit integers arrive as strings).
   * Throws `ClickHouseUnavailableError` when no server could answer, the server's error otherwise.
   */
  select<Row = Record<string, unknown>>(sql: string, settings?: ClickHouseSettings): Promise<Row[]>;
  /** Runs a statement without result rows (DDL, ALTER, OPTIMIZE); same errors as `select`. */
  exec(sql: string, settings?: ClickHouseSettings): Promise<void>;
  /**
   * Inserts rows (JSONEachRow) into `table` (qualified name). Resolves only once the server
   * acknowledged the insert under `settings` (the durability settings decide what that means).
   * A retry of the same rows is safe: the tables are ReplacingMergeTree keyed by id and the
   * replicated tables deduplicate identical blocks.
   */
  insert(table: string, rows: readonly object[], settings?: ClickHouseSettings): Promise<void>;
  /** The server's version string, e.g. `18.16.1` or `26.7.2.1`. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/**
 * ClickHouse cannot take or serve data now (no server reachable, ZooKeeper lost, quorum not
 * reached): retryable. The service answers 503 + Retry-After for it, never 500.
 */
export class ClickHouseUnavailableError extends StorageUnavailableError {
  override readonly name = 'StorageUnavailableError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
