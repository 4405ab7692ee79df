import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { wellFormedRow } from './well-formed.js';
import { ClickHouseUnavailableError, type ClickHouseConnection, type ClickHouseSettings } from './connection.js';

export interface HttpConnectionOptions {
  /** HTTP URLs of the servers; each request goes to the last one that answered, then the others in turn. */
  urls: readonly string[];
  user: string;
  password: string;
  /** Per request, ms. Default 30 s (a quorum insert waits for the second replica). */
  requestTimeoutMs?: number;
}

/**
 * ClickHouse error codes that mean "this server, or the cluster, cannot do it now; try again":
 * 159 timeout, 209/210 socket, 242 table read-only (ZooKeeper session lost), 279 all connection
 * tries failed, 285 too few live replicas, 286 quorum of a previous write unsatisfied, 319 unknown
 * status of insert (quorum timed out), 999 ZooKeeper (Keeper) error, 425 system error, 203 no free
 * connection, 289 replica not yet holding a quorum-written part, 394 query cancelled at shutdown, 252 too many parts, 202 too many simultaneous queries.
 */
/** How long an insert waits for other processes' quorum inserts into the same table to finish. */
const QUORUM_BUSY_WAIT_MS = 5_000;

const RETRYABLE_CODES = new Set([289, 159, 202, 203, 209, 210, 242, 252, 279, 285, 286, 319, 394, 425, 999]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

/** The ClickHouse error code of a server error: 1.23.1 parses it only from current servers' headers. */
export function clickHouseErrorCode(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const parsed = Number((error as { code?: unknown }).code);
  if (Number.isInteger(parsed) && parsed > 0) return parsed;
  const match = /Code: (\d+)/.exec(error.message);
  return match ? Number(match[1]) : null;
}

/** True for errors a retry (on this server later, or on another one) may cure. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (/socket hang up|Timeout error|ECONNREFUSED|ECONNRESET|other side closed/i.test(error.message)) return true;
  const chCode = clickHouseErrorCode(error);
  return chCode !== null && RETRYABLE_CODES.has(chCode);
}

/**
 * `ClickHouseConnection` over the official client, one client per URL. A request that fails with a
 * retryable error goes to the next URL (each URL once); when every URL failed so, it throws
 * `ClickHouseUnavailableError` with the last error as cause. Other errors (bad SQL, bad data)
 * are thrown as they are, without trying elsewhere.
 */
export function createHttpConnection(options: HttpConnectionOptions): ClickHouseConnection {
  if (options.urls.length === 0) throw new RangeError('storage.clickhouse.urls: at least one URL is needed');
  const clients: ClickHouseClient[] = options.urls.map((url) =>
    createClient({
      url,
      username: options.user,
      password: options.password,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      max_open_connections: 16,
      // 18.16 predates the server-side progress headers the client would ask for.
      clickhouse_settings: {},
      compression: { request: false, response: false },
      // Failures reach the caller as errors (and the service log); the client's own console log is noise.
      log: { level: ClickHouseLogLevel.OFF },
    }),
  );
  let preferred = 0;

  async function attempt<T>(run: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i < clients.length; i++) {
      const index = (preferred + i) % clients.length;
      try {
        const result = await run(clients[index]!);
        preferred = index;
        return result;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        lastError = error;
      }
    }
    const reason = lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError);
    throw new ClickHouseUnavailableError(`ClickHouse unavailable: ${reason}`, { cause: lastError });
  }

  return {
    select<Row>(sql: string, settings: ClickHouseSettings = {}) {
      return attempt(async (client) => {
        const result = await client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settings });
        return (await result.json()) as Row[];
      });
    },
    exec(sql, settings = {}) {
      return attempt(async (client) => {
        await client.command({ query: sql, clickhouse_settings: settings });
      });
    },
    async insert(table, rows, settings = {}) {
      if (rows.length === 0) return;
      const values = rows.map(wellFormedRow);
      // 18.16 runs one quorum insert per table and shard at a time: while another process's
      // insert is in progress, or its part has not yet reached the second replica, an insert is
      // refused (286: "Another quorum insert has been already started", "Quorum for previous
      // write has not been satisfied yet"). Such an insert wrote nothing on that shard, and the
      // retry sends the identical block (deduplicated where it was written), so waiting and
      // retrying is safe.
      const deadline = Date.now() + QUORUM_BUSY_WAIT_MS;
      for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
        try {
          return await attempt(async (client) => {
            await client.insert({ table, values, format: 'JSONEachRow', clickhouse_settings: settings });
          });
        } catch (error) {
          const busy = error instanceof ClickHouseUnavailableError && /Another quorum insert has been already started|Quorum for previous write has not been satisfied yet/.test(String((error.cause as Error | undefined)?.message));
          if (!busy || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, delayMs * (0.5 + Math.random())));
        }
      }
    },
    async version() {
      const rows = await this.select<{ v: string }>('SELECT version() AS v');
      return rows[0]?.v ?? 'unknown';
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}
