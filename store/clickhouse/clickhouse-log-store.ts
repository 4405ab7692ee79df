import type { LogRecordInput, LogStore, SpanKey, SpanLogRecord, StoredSpanSource } from '../api.js';
import type { AttributeValue, Attributes, OtlpEvent, OtlpStatusCode } from '../../model/otlp.js';
import type { GenAiContentEvent } from '../../model/normalize/genai-events.js';
import type { ClickHouseConnection } from './connection.js';
import type { ClickHouseContext } from './context.js';
import type { SchemaOptions } from './schema.js';
import { fnv1a64 } from '../../model/hash.js';
import { sqlIdentifier, sqlInt, sqlString, sqlStringList } from './sql-literal.js';
import { toSpanInsertRow, type SpanInsertRow } from './clickhouse-trace-writer.js';
import { recomputeRunRows } from './run-rows.js';
import { DEDUP_READ } from './flag-rows.js';

/**
 * The LogStore over ClickHouse, in the dialect 18.16 and current ClickHouse both read (no Map,
 * no query parameters: every value through sql-literal.ts). It owns two tables, created here:
 * - `log_records`: one row per record, keyed (trace_id, span_id, record_hash), a
 *   ReplacingMergeTree, so an exporter's retry that slips past the look-up is merged away;
 *   reads count distinct hashes.
 * - `log_joins`: per span, how many of its GenAI content events are in the stored span
 *   (ReplacingMergeTree by row_version). A span's content is unjoined while it has more content
 *   events than its join row says.
 * Both are sharded by trace id like spans (a Distributed table over Replicated locals with a
 * cluster), so a trace's records live on its spans' shard; inserts take the cluster's quorum.
 *
 * A join re-reads the span and all its content events, inserts the re-normalised span row (the
 * spans table keeps the last row of a key), then the join row, then recomputes the run (its
 * last-received time moves, so it is pending analysis again). A join that fails part way is
 * done again later: each step is idempotent.
 */
export function createClickHouseLogStore(context: ClickHouseContext, tables: LogTables): LogStore {
  const { connection } = context;
  /** 18.16 takes one quorum insert per table and shard at a time: this process's log writes go one by one. */
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const result = chain.then(work, work);
    chain = result.catch(() => undefined);
    return result;
  };

  async function write(records: readonly LogRecordInput[], receivedAtMs: number) {
    const rows = records.map((record) => toLogRow(record, receivedAtMs));
    const traceIds = [...new Set(rows.map((row) => row.trace_id))];
    const stored = new Set(
      (
        await connection.select<{ record_hash: string }>(
          `SELECT DISTINCT record_hash FROM ${tables.logRecords} WHERE trace_id IN ${sqlStringList(traceIds)} AND record_hash IN ${sqlStringList([...new Set(rows.map((row) => row.record_hash))])}`,
          context.readSettings,
        )
      ).map((row) => row.record_hash),
    );
    const fresh: LogRow[] = [];
    for (const row of rows) {
      if (stored.has(row.record_hash)) continue;
      stored.add(row.record_hash);
      fresh.push(row);
    }
    if (fresh.length > 0) await connection.insert(tables.logRecords, fresh, context.writeSettings);
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  }

  /** Per span with content events (of these traces, or all): how many distinct content events, and how many are joined. */
  async function contentCounts(traceIds?: readonly string[]): Promise<{ key: SpanKey; events: number; joined: number }[]> {
    const where = traceIds === undefined ? '' : ` AND trace_id IN ${sqlStringList(traceIds)}`;
    const [events, joins] = await Promise.all([
      connection.select<{ trace_id: string; span_id: string; n: string }>(
        `SELECT trace_id, span_id, toString(uniqExact(record_hash)) AS n FROM ${tables.logRecords} WHERE genai = 1${where} GROUP BY trace_id, span_id ORDER BY trace_id, span_id`,
        context.readSettings,
      ),
      connection.select<{ trace_id: string; span_id: string; n: string }>(
        `SELECT trace_id, span_id, toString(max(events)) AS n FROM ${tables.logJoins} WHERE 1 = 1${where} GROUP BY trace_id, span_id`,
        context.readSettings,
      ),
    ]);
    const joined = new Map(joins.map((row) => [`${row.trace_id}:${row.span_id}`, Number(row.n)]));
    return events.map((row) => ({ key: { traceId: row.trace_id, spanId: row.span_id }, events: Number(row.n), joined: joined.get(`${row.trace_id}:${row.span_id}`) ?? 0 }));
  }

  return {
    async writeLogRecords(records, receivedAtMs) {
      if (records.length === 0) return { inserted: 0, duplicates: 0 };
      return serially(() => write(records, receivedAtMs));
    },

    async listUnjoinedContent(traceIds) {
      if (traceIds !== undefined && traceIds.length === 0) return [];
      return (await contentCounts(traceIds)).filter((count) => count.events > count.joined).map((count) => count.key);
    },

    async joinContentEvents(keys, renormalize, receivedAtMs) {
      if (keys.length === 0) return 0;
      const traceIds = [...new Set(keys.map((key) => key.traceId))];
      const wanted = new Set(keys.map((key) => `${key.traceId}:${key.spanId}`));
      const spanIds = [...new Set(keys.map((key) => key.spanId))];
      const [spans, events] = await Promise.all([
        connection.select<StoredSpanRow>(
          `SELECT trace_id, span_id, parent_span_id, name, otel_kind, toString(start_ns) AS start_text, toString(end_ns) AS end_text, status, status_message,
             attributes, events, resource, scope_name, toString(seq) AS seq_text
           FROM ${context.tables.spans} FINAL WHERE trace_id IN ${sqlStringList(traceIds)} AND span_id IN ${sqlStringList(spanIds)}`,
          context.readSettings,
        ),
        connection.select<ContentRow>(
          `SELECT trace_id, span_id, record_hash, any(time_ns) AS r_time, toString(r_time) AS time_text, any(event_name) AS r_event_name, any(body) AS r_body, any(attributes) AS r_attributes
           FROM ${tables.logRecords} WHERE genai = 1 AND trace_id IN ${sqlStringList(traceIds)} AND span_id IN ${sqlStringList(spanIds)}
           GROUP BY trace_id, span_id, record_hash ORDER BY trace_id, span_id, r_time, record_hash`,
          context.readSettings,
        ),
      ]);
      const eventsBySpan = new Map<string, ContentRow[]>();
      for (const row of events) {
        const key = `${row.trace_id}:${row.span_id}`;
        eventsBySpan.set(key, [...(eventsBySpan.get(key) ?? []), row]);
      }
      const spanRows: SpanInsertRow[] = [];
      const joinRows: { trace_id: string; span_id: string; events: number; joined_at_ms: number; row_version: number }[] = [];
      for (const row of spans) {
        const key = `${row.trace_id}:${row.span_id}`;
        const content = eventsBySpan.get(key);
        if (!wanted.has(key) || content === undefined) continue;
        wanted.delete(key);
        const span = renormalize(sourceOf(row), content.map(toContentEvent));
        spanRows.push(toSpanInsertRow(span, receivedAtMs, Number(row.seq_text)));
        joinRows.push({ trace_id: row.trace_id, span_id: row.span_id, events: content.length, joined_at_ms: receivedAtMs, row_version: context.nextVersion() });
      }
      if (spanRows.length === 0) return 0;
      await connection.insert(context.tables.spans, spanRows, context.writeSettings);
      await serially(() => connection.insert(tables.logJoins, joinRows, context.writeSettings));
      await context.withRunLock(() => recomputeRunRows(context, [...new Set(spanRows.map((row) => row.trace_id))]));
      return spanRows.length;
    },

    async listSpanLogs(traceId, spanId, limit) {
      // Only a live run's records: retention hides a run at once (a tombstone) while the mutation
      // that removes its records runs in the background. Records and runs are sharded alike.
      const trace = sqlString(traceId);
      const where = `trace_id = ${trace} AND span_id = ${sqlString(spanId)} AND genai = 0
        AND trace_id IN (SELECT trace_id FROM (SELECT trace_id, deleted, row_version FROM ${context.tables.runs} FINAL WHERE trace_id = ${trace}) WHERE deleted = 0)`;
      const read = { ...context.readSettings, ...DEDUP_READ, distributed_product_mode: 'local' };
      const [count] = await connection.select<{ n: string }>(`SELECT toString(uniqExact(record_hash)) AS n FROM ${tables.logRecords} WHERE ${where}`, read);
      const total = Number(count?.n ?? 0);
      const take = Math.max(0, Math.floor(limit));
      if (total === 0 || take === 0) return { records: [], total };
      const rows = await connection.select<LogReadRow>(
        `SELECT record_hash, any(time_ns) AS r_time, toString(r_time) AS time_text, min(received_at_ms) AS r_received, any(severity_number) AS r_severity_number,
           any(severity_text) AS r_severity_text, any(event_name) AS r_event_name, any(body) AS r_body, any(attributes) AS r_attributes
         FROM ${tables.logRecords} WHERE ${where}
         GROUP BY record_hash ORDER BY r_time, r_received, record_hash LIMIT ${sqlInt(take)}`,
        read,
      );
      const records = rows.map(
        (row): SpanLogRecord => ({
          timeNs: row.time_text,
          severityNumber: Number(row.r_severity_number),
          severityText: row.r_severity_text,
          eventName: row.r_event_name,
          body: JSON.parse(row.r_body) as AttributeValue,
          attributes: JSON.parse(row.r_attributes) as Attributes,
        }),
      );
      return { records, total };
    },
  };
}

// ─── Schema ───────────────────────────────────────────────────────────────────────────────────

export interface LogTables {
  logRecords: string;
  logJoins: string;
}

const LOG_RECORDS_COLUMNS = `
  record_hash String,
  trace_id String,
  span_id String,
  time_ns Int64,
  severity_number Int32,
  severity_text String,
  event_name String,
  body String,
  attributes String,
  resource String,
  scope_name String,
  genai UInt8,
  received_at_ms Int64`;

const LOG_JOINS_COLUMNS = `
  trace_id String,
  span_id String,
  events UInt32,
  joined_at_ms Int64,
  row_version UInt64`;

const LOG_TABLES = [
  { name: 'log_records', columns: LOG_RECORDS_COLUMNS, engine: 'ReplacingMergeTree()', orderBy: '(trace_id, span_id, record_hash)' },
  { name: 'log_joins', columns: LOG_JOINS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: '(trace_id, span_id)' },
];

/** The qualified names the log store reads and writes (the Distributed tables with a cluster). */
export function logTableNames(options: SchemaOptions): LogTables {
  const db = sqlIdentifier(options.database);
  return { logRecords: `${db}.${sqlIdentifier('log_records')}`, logJoins: `${db}.${sqlIdentifier('log_joins')}` };
}

/** The per-server tables, for mutations (ALTER … DELETE runs on the local tables). */
export function logLocalTableNames(options: SchemaOptions): LogTables {
  const db = sqlIdentifier(options.database);
  const local = (name: string) => `${db}.${sqlIdentifier(options.cluster ? `${name}_local` : name)}`;
  return { logRecords: local('log_records'), logJoins: local('log_joins') };
}

/** CREATE statements of the log tables, each IF NOT EXISTS (every process runs them at start). */
export function logSchemaStatements(options: SchemaOptions): string[] {
  const db = sqlIdentifier(options.database);
  const onCluster = options.cluster ? ` ON CLUSTER ${sqlIdentifier(options.cluster)}` : '';
  const statements: string[] = [];
  for (const table of LOG_TABLES) {
    if (!options.cluster) {
      statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(table.name)} (${table.columns}\n) ENGINE = ${table.engine} ORDER BY ${table.orderBy}`);
      continue;
    }
    const local = `${table.name}_local`;
    const engine = table.engine.replace(/^(\w+)\((.*)\)$/, (_m, family: string, inner: string) =>
      `Replicated${family}('/clickhouse/tables/{shard}/${options.database}/${local}', '{replica}'${inner ? `, ${inner}` : ''})`,
    );
    statements.push(`CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(local)}${onCluster} (${table.columns}\n) ENGINE = ${engine} ORDER BY ${table.orderBy}`);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(table.name)}${onCluster} AS ${db}.${sqlIdentifier(local)} ENGINE = Distributed(${sqlIdentifier(options.cluster)}, ${db}, ${sqlIdentifier(local)}, cityHash64(trace_id))`,
    );
  }
  return statements;
}

/** Creates the log tables when missing (after the main schema: the database exists). */
export async function createLogSchema(connection: ClickHouseConnection, options: SchemaOptions): Promise<void> {
  const expected = LOG_TABLES.flatMap((table) => (options.cluster ? [table.name, `${table.name}_local`] : [table.name]));
  const present = new Set((await connection.select<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${sqlString(options.database)}`)).map((row) => row.name));
  if (expected.every((name) => present.has(name))) return;
  for (const statement of logSchemaStatements(options)) await connection.exec(statement);
}

/**
 * Retention of log records (Maintenance calls it): the records and join rows of these deleted
 * traces, and every record whose time is before `beforeNs` (records tied to no stored run age out
 * too). Replicated mutations, run in the background like the spans'.
 */
export async function deleteLogRecords(connection: ClickHouseConnection, options: SchemaOptions, what: { traceIds?: readonly string[]; beforeNs?: bigint }): Promise<void> {
  const local = logLocalTableNames(options);
  const onCluster = options.cluster ? ` ON CLUSTER ${sqlIdentifier(options.cluster)}` : '';
  if (what.traceIds !== undefined && what.traceIds.length > 0) {
    const ids = sqlStringList(what.traceIds);
    await connection.exec(`ALTER TABLE ${local.logRecords}${onCluster} DELETE WHERE trace_id IN ${ids}`);
    await connection.exec(`ALTER TABLE ${local.logJoins}${onCluster} DELETE WHERE trace_id IN ${ids}`);
  }
  if (what.beforeNs !== undefined) {
    await connection.exec(`ALTER TABLE ${local.logRecords}${onCluster} DELETE WHERE time_ns < ${sqlInt(what.beforeNs)}`);
  }
}

// ─── Rows ─────────────────────────────────────────────────────────────────────────────────────

interface LogRow {
  record_hash: string;
  trace_id: string;
  span_id: string;
  time_ns: string;
  severity_number: number;
  severity_text: string;
  event_name: string;
  body: string;
  attributes: string;
  resource: string;
  scope_name: string;
  genai: number;
  received_at_ms: number;
}

interface LogReadRow {
  record_hash: string;
  time_text: string;
  r_severity_number: number | string;
  r_severity_text: string;
  r_event_name: string;
  r_body: string;
  r_attributes: string;
}

interface StoredSpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  otel_kind: number | string;
  start_text: string;
  end_text: string;
  status: string;
  status_message: string;
  attributes: string;
  events: string;
  resource: string;
  scope_name: string;
  seq_text: string;
}

interface ContentRow {
  trace_id: string;
  span_id: string;
  record_hash: string;
  time_text: string;
  r_event_name: string;
  r_body: string;
  r_attributes: string;
}

/** The same content hash as the SQLite store (a retry of the same record is the same row). */
function toLogRow(record: LogRecordInput, receivedAtMs: number): LogRow {
  const body = JSON.stringify(record.body);
  const attributes = JSON.stringify(record.attributes);
  const resource = JSON.stringify(record.resource);
  const recordHash = fnv1a64(
    [record.traceId, record.spanId, record.timeNs.toString(), record.severityNumber, record.severityText, record.eventName, body, attributes, fnv1a64(resource), record.scopeName].join('\u0000'),
  );
  return {
    record_hash: recordHash,
    trace_id: record.traceId,
    span_id: record.spanId,
    time_ns: record.timeNs.toString(),
    severity_number: record.severityNumber,
    severity_text: record.severityText,
    event_name: record.eventName,
    body,
    attributes,
    resource,
    scope_name: record.scopeName,
    genai: record.genAiContent ? 1 : 0,
    received_at_ms: receivedAtMs,
  };
}

function toContentEvent(row: ContentRow): GenAiContentEvent {
  return { name: row.r_event_name, timeUnixNano: BigInt(row.time_text), body: JSON.parse(row.r_body) as AttributeValue, attributes: JSON.parse(row.r_attributes) as Attributes };
}

function sourceOf(row: StoredSpanRow): StoredSpanSource {
  const events = (JSON.parse(row.events) as { name: string; timeUnixNano: string; attributes: Attributes }[]).map(
    (event): OtlpEvent => ({ name: event.name, timeUnixNano: BigInt(event.timeUnixNano), attributes: event.attributes }),
  );
  const resource = JSON.parse(row.resource) as Attributes;
  return {
    span: {
      traceId: row.trace_id,
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      traceState: '',
      name: row.name,
      kind: Number(row.otel_kind),
      startTimeUnixNano: BigInt(row.start_text),
      endTimeUnixNano: BigInt(row.end_text),
      attributes: JSON.parse(row.attributes) as Attributes,
      droppedAttributesCount: 0,
      events,
      links: [],
      statusCode: (row.status === 'error' ? 2 : row.status === 'ok' ? 1 : 0) as OtlpStatusCode,
      statusMessage: row.status_message,
    },
    resource,
    scope: { name: row.scope_name, version: '' },
  };
}
