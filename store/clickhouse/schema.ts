import type { ClickHouseConnection } from './connection.js';
import { sqlIdentifier, sqlString } from './sql-literal.js';

/**
 * The ClickHouse schema, in the one dialect that ClickHouse 18.16 (Debian's) and current
 * ClickHouse both read: no Map, TTL, skip indexes, CODEC, LowCardinality or query parameters.
 *
 * With a cluster: per-server `…_local` tables, Replicated*MergeTree, created ON CLUSTER.
 * - spans and runs are SHARDED by trace id: a `Distributed` table over the locals, sharding key
 *   `cityHash64(trace_id)`, so a trace (its spans and its run row) lives on one shard, in two
 *   copies (the shard's replicas).
 * - flags, reviews, suppressions, reports, baselines and leases are small and read whole-ish:
 *   ONE replication group over every server (zookeeper path without `{shard}`), read locally.
 * Without a cluster (one server, or embedded chdb in tests): the same tables, plain *MergeTree,
 * no `_local` suffix, no Distributed layer. Store code only ever names `tables.*`.
 *
 * Replacing tables: a row is replaced by a later row with the same ORDER BY key and a greater
 * `row_version` (see row-version.ts); reads deduplicate with FINAL (selecting `row_version` too:
 * 18.16 needs the version column in a FINAL read through a Distributed table) or argMax.
 * Deletion is a tombstone row (`deleted` = 1), filtered after deduplication.
 */
export interface SchemaOptions {
  database: string;
  /** Cluster name in remote_servers; empty for one server. */
  cluster: string;
}

/** Qualified names the store reads and writes. */
export interface Tables {
  spans: string;
  runs: string;
  flags: string;
  reviews: string;
  suppressions: string;
  silenced_flags: string;
  reports: string;
  baselines: string;
  leases: string;
}

export function tableNames(options: SchemaOptions): Tables {
  const db = sqlIdentifier(options.database);
  const name = (table: keyof Tables) => {
    const sharded = TABLES.find((spec) => spec.name === table)!.sharded;
    // With a cluster, the sharded tables are read and written through their Distributed table,
    // the others directly in their local table (every server holds all of it).
    return `${db}.${sqlIdentifier(options.cluster && !sharded ? `${table}_local` : table)}`;
  };
  return {
    spans: name('spans'),
    runs: name('runs'),
    flags: name('flags'),
    reviews: name('reviews'),
    suppressions: name('suppressions'),
    silenced_flags: name('silenced_flags'),
    reports: name('reports'),
    baselines: name('baselines'),
    leases: name('leases'),
  };
}

const SPANS_COLUMNS = `
  trace_id String,
  span_id String,
  parent_span_id Nullable(String),
  name String,
  kind String,
  otel_kind UInt8,
  start_ns Int64,
  end_ns Int64,
  duration_ms Float64,
  status String,
  status_message String,
  service String,
  agent Nullable(String),
  session_id Nullable(String),
  operation String,
  llm Nullable(String),
  tool Nullable(String),
  attributes String,
  events String,
  resource String,
  scope_name String,
  tool_name String,
  model String,
  input_tokens UInt64,
  output_tokens UInt64,
  received_at_ms Int64,
  seq UInt32,
  input_text String,
  output_text String,
  search_text String`;

const RUNS_COLUMNS = `
  trace_id String,
  service String,
  agent Nullable(String),
  session_id Nullable(String),
  name String,
  root_span_id Nullable(String),
  start_ns Int64,
  end_ns Int64,
  root_duration_ms Nullable(Float64),
  span_count UInt32,
  llm_call_count UInt32,
  tool_call_count UInt32,
  error_count UInt32,
  status String,
  input_tokens UInt64,
  output_tokens UInt64,
  last_received_ms Int64,
  received_by String,
  analyzed UInt8,
  analyzed_at_ms Int64,
  models String,
  service_version Nullable(String),
  environment Nullable(String),
  flag_badges String,
  flag_detectors Array(String),
  contribution String,
  deleted UInt8,
  row_version UInt64,
  input_text String,
  output_text String`;

const FLAGS_COLUMNS = `
  id String,
  trace_id String,
  detector String,
  severity String,
  summary String,
  span_ids String,
  evidence String,
  signature String,
  service String,
  agent Nullable(String),
  tool Nullable(String),
  run_start_ns Int64,
  created_at_ms Int64,
  deleted UInt8,
  row_version UInt64`;

const REVIEWS_COLUMNS = `
  flag_id String,
  verdict String,
  note String,
  reviewed_at_ms Int64,
  row_version UInt64`;

const SUPPRESSIONS_COLUMNS = `
  id String,
  detector String,
  scope String,
  value String,
  note String,
  from_flag_id Nullable(String),
  created_at_ms Int64,
  created_by Nullable(String),
  deleted UInt8,
  row_version UInt64`;

/** Flags a suppression rule kept the analyser from raising (SuppressionStore.recordSilencedFlags). */
const SILENCED_FLAGS_COLUMNS = `
  trace_id String,
  flag_id String,
  rule_id String,
  detector String,
  severity String,
  summary String,
  at_ms Int64,
  row_version UInt64`;

const REPORTS_COLUMNS = `
  id String,
  created_at_ms Int64,
  since_ms Int64,
  until_ms Int64,
  trigger String,
  summary String,
  body_json String,
  body_html String,
  body_md String,
  file_path Nullable(String),
  delivery_status String,
  delivery_attempts UInt32,
  delivery_error Nullable(String),
  delivered_at_ms Nullable(Int64),
  row_version UInt64`;

/**
 * Per key, time bucket and histogram bin: a count. Rows are deltas, summed by merges and reads;
 * `commit_id` makes two analyses' equal deltas different blocks (replicated tables drop a block
 * identical to a recent one: right for a retry, wrong for a second equal delta).
 */
const BASELINES_COLUMNS = `
  key String,
  bucket_start_ms Int64,
  bin UInt16,
  count Int64,
  commit_id String`;

/** Claims of named leases (clickhouse-lease-store.ts): one row per name and holder. */
const LEASES_COLUMNS = `
  name String,
  holder String,
  claimed_at_ms Int64,
  expires_at_ms Int64`;

interface TableSpec {
  name: keyof Tables;
  columns: string;
  /** Engine family without the Replicated prefix, with its arguments. */
  engine: string;
  orderBy: string;
  partitionBy?: string;
  sharded: boolean;
}

const TABLES: TableSpec[] = [
  {
    name: 'spans',
    columns: SPANS_COLUMNS,
    engine: 'ReplacingMergeTree()',
    orderBy: '(trace_id, span_id)',
    partitionBy: 'toYYYYMM(toDateTime(intDiv(start_ns, 1000000000)))',
    sharded: true,
  },
  { name: 'runs', columns: RUNS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: 'trace_id', sharded: true },
  { name: 'flags', columns: FLAGS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: 'id', sharded: false },
  { name: 'reviews', columns: REVIEWS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: 'flag_id', sharded: false },
  { name: 'suppressions', columns: SUPPRESSIONS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: 'id', sharded: false },
  { name: 'silenced_flags', columns: SILENCED_FLAGS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: '(trace_id, flag_id)', sharded: false },
  { name: 'reports', columns: REPORTS_COLUMNS, engine: 'ReplacingMergeTree(row_version)', orderBy: 'id', sharded: false },
  { name: 'baselines', columns: BASELINES_COLUMNS, engine: 'SummingMergeTree(count)', orderBy: '(key, bucket_start_ms, bin)', sharded: false },
  { name: 'leases', columns: LEASES_COLUMNS, engine: 'ReplacingMergeTree()', orderBy: '(name, holder)', sharded: false },
];

/** The Distributed table over a sharded table's locals, sharded by trace id (with a cluster only). */
function distributedStatement(options: SchemaOptions, name: string): string {
  const db = sqlIdentifier(options.database);
  const local = sqlIdentifier(`${name}_local`);
  return `CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(name)} ON CLUSTER ${sqlIdentifier(options.cluster)} AS ${db}.${local} ENGINE = Distributed(${sqlIdentifier(options.cluster)}, ${db}, ${local}, cityHash64(trace_id))`;
}

/** The CREATE statements, in order; every one is idempotent (IF NOT EXISTS). */
export function schemaStatements(options: SchemaOptions): string[] {
  const db = sqlIdentifier(options.database);
  const onCluster = options.cluster ? ` ON CLUSTER ${sqlIdentifier(options.cluster)}` : '';
  const statements = [`CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`];
  for (const table of TABLES) {
    const partition = table.partitionBy ? ` PARTITION BY ${table.partitionBy}` : '';
    if (!options.cluster) {
      statements.push(
        `CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(table.name)} (${table.columns}\n) ENGINE = ${table.engine}${partition} ORDER BY ${table.orderBy}`,
      );
      continue;
    }
    const local = `${table.name}_local`;
    // {shard} in the path: each shard its own replication group; without: one group everywhere.
    const zkPath = table.sharded
      ? `/clickhouse/tables/{shard}/${options.database}/${local}`
      : `/clickhouse/tables/all/${options.database}/${local}`;
    const replica = table.sharded ? '{replica}' : '{shard}-{replica}';
    const args = table.engine.replace(/^(\w+)\((.*)\)$/, (_m, family: string, inner: string) =>
      `Replicated${family}('${zkPath}', '${replica}'${inner ? `, ${inner}` : ''})`,
    );
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${sqlIdentifier(local)}${onCluster} (${table.columns}\n) ENGINE = ${args}${partition} ORDER BY ${table.orderBy}`,
    );
    if (table.sharded) statements.push(distributedStatement(options, table.name));
  }
  return statements;
}

/** Column names and types of a table's column list. */
function columnsOf(spec: TableSpec): { name: string; type: string }[] {
  return spec.columns
    .split(',')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      return { name: line.slice(0, space), type: line.slice(space + 1).trim() };
    });
}

/**
 * Creates whatever is missing, and adds the columns a later release added to tables an earlier
 * one created (new columns go last, with their type's default for old rows); safe to run from
 * every process at every start.
 */
export async function createSchema(connection: ClickHouseConnection, options: SchemaOptions): Promise<void> {
  // Every table there already (a later process's start): skip the ON CLUSTER round (~2 s).
  const expected = TABLES.flatMap((t) => (options.cluster ? (t.sharded ? [t.name, `${t.name}_local`] : [`${t.name}_local`]) : [t.name]));
  const present = await connection.select<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = ${sqlString(options.database)}`,
  );
  const names = new Set(present.map((row) => row.name));
  if (!expected.every((name) => names.has(name))) {
    for (const statement of schemaStatements(options)) await connection.exec(statement);
  }
  await addMissingColumns(connection, options);
}

async function addMissingColumns(connection: ClickHouseConnection, options: SchemaOptions): Promise<void> {
  const rows = await connection.select<{ table: string; name: string }>(
    `SELECT table, name FROM system.columns WHERE database = ${sqlString(options.database)}`,
  );
  const existing = new Set(rows.map((row) => `${row.table}.${row.name}`));
  const db = sqlIdentifier(options.database);
  const onCluster = options.cluster ? ` ON CLUSTER ${sqlIdentifier(options.cluster)}` : '';
  for (const spec of TABLES) {
    const table = options.cluster ? `${spec.name}_local` : spec.name;
    const missing = columnsOf(spec).filter((column) => !existing.has(`${table}.${column.name}`));
    for (const column of missing) {
      try {
        await connection.exec(`ALTER TABLE ${db}.${sqlIdentifier(table)}${onCluster} ADD COLUMN ${column.name} ${column.type}`);
      } catch (error) {
        // Another process starting at the same time added it first.
        if (!/already exists|Cannot add column/i.test((error as Error).message)) throw error;
      }
    }
    // A Distributed table takes its columns when created: made again over the widened locals
    // (18.16 runs no ALTER ON CLUSTER on a table that is not replicated). Queries through it fail
    // for that moment; an upgrade is a rare start.
    if (options.cluster && spec.sharded && columnsOf(spec).some((column) => !existing.has(`${spec.name}.${column.name}`))) {
      await connection.exec(`DROP TABLE IF EXISTS ${db}.${sqlIdentifier(spec.name)}${onCluster}`);
      await connection.exec(distributedStatement(options, spec.name));
    }
  }
}
