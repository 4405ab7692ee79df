/**
 * `npm run bench -- clickhouse`: the ClickHouse backend on real clusters of Debian's
 * clickhouse-server started here (scripts/clickhouse-cluster.ts), 1 shard × 2 replicas and then
 * 2 shards × 2 replicas, with insert_quorum 2 (both replicas of a shard) as the service writes.
 *
 * On each cluster, in the same run and interleaved (raw, API, API, raw over two halves of the
 * spans, so both see the same machine state):
 * - ingest through the API: a real tracehound service (storage.backend clickhouse) taking
 *   OTLP/HTTP protobuf requests of 512 spans from SENDERS concurrent senders that resend a
 *   refused (503) request after its Retry-After, as the OpenTelemetry exporters do;
 * - ClickHouse's own insert rate of the same rows: the spans rows and one run row per trace,
 *   prepared in advance, inserted into the same schema through the Distributed tables with the
 *   same quorum settings, SENDERS × 512 rows per insert, one insert in flight (18.16 takes one
 *   quorum insert per table and shard at a time: error 286 otherwise).
 * On the 2 × 2 cluster, then: runs-list (newest 50) and run-page (run + its spans + flags) server
 * times, median of 15, at QUERY_SPANS spans beside SQLite holding the same spans; bytes per span
 * on disk from system.parts (after OPTIMIZE FINAL) beside the SQLite file.
 * Full: 1,000,000 spans for the read figures (loaded with the raw insert above), 102,400 per
 * ingest measurement; --quick: 100,000 and 20,480.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouseCluster, type RunningCluster } from '../scripts/clickhouse-cluster.js';
import { configSchema } from '../config/schema.js';
import { startService } from '../cli/service.js';
import { openClickHouseStorage } from '../store/clickhouse/open-clickhouse-storage.js';
import { createHttpConnection } from '../store/clickhouse/http-connection.js';
import type { ClickHouseConnection } from '../store/clickhouse/connection.js';
import { toSpanInsertRow, type SpanInsertRow } from '../store/clickhouse/clickhouse-trace-writer.js';
import { tableNames } from '../store/clickhouse/schema.js';
import type { RunRow } from '../store/clickhouse/run-rows.js';
import { openSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { decodeProtobufTraceRequest } from '../collector/decode/protobuf-decoder.js';
import { normalizeSpan } from '../model/normalize/normalize-span.js';
import type { NormalizedSpan } from '../model/span.js';
import { encodeProtobuf, type JsonKeyValue, type JsonSpan, type JsonTraceRequest } from '../test/collector/support/otlp-payloads.js';

const SPANS_PER_REQUEST = 512;
const SPANS_PER_RUN = 32;
const SENDERS = 4;
/** The raw baseline's insert size: what SENDERS requests in flight add up to. */
const RAW_INSERT_ROWS = SENDERS * SPANS_PER_REQUEST;
const QUORUM = { insert_quorum: 2, insert_quorum_timeout: 60_000, insert_distributed_sync: 1 };

let seed = 7;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function hex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
  return out;
}
const str = (key: string, value: string): JsonKeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): JsonKeyValue => ({ key, value: { intValue: String(value) } });

/**
 * One OTLP request of SPANS_PER_REQUEST spans: runs of SPANS_PER_RUN (an agent root, model calls
 * with a prompt and an answer, tool calls with arguments and results), starting at `startMs`.
 */
function makeRequest(startMs: number, spreadMs: number): JsonTraceRequest {
  const spans: JsonSpan[] = [];
  for (let r = 0; r < SPANS_PER_REQUEST / SPANS_PER_RUN; r++) {
    const traceId = hex(16);
    const rootId = hex(8);
    const runStartMs = startMs + random() * spreadMs;
    for (let i = 0; i < SPANS_PER_RUN; i++) {
      const startNs = BigInt(Math.round((runStartMs + i * 900) * 1000)) * 1000n;
      const durationNs = BigInt(Math.round((20 + random() * 800) * 1e6));
      const kind = i === 0 ? 'agent' : i % 3 === 1 ? 'llm' : 'tool';
      const attributes =
        kind === 'agent'
          ? [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'support-agent')]
          : kind === 'llm'
            ? [
                str('gen_ai.operation.name', 'chat'),
                str('gen_ai.request.model', 'gpt-4.1'),
                str('gen_ai.provider.name', 'openai'),
                int('gen_ai.usage.input_tokens', 600 + Math.floor(random() * 900)),
                int('gen_ai.usage.output_tokens', 40 + Math.floor(random() * 200)),
                str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Where is order ${hex(4)}? It was due on Monday.` }] }])),
                str('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'The order left the warehouse today and arrives tomorrow.' }], finish_reason: 'stop' }])),
              ]
            : [
                str('gen_ai.operation.name', 'execute_tool'),
                str('gen_ai.tool.name', i % 2 === 0 ? 'lookup_order' : 'search_kb'),
                str('gen_ai.tool.call.arguments', JSON.stringify({ order: hex(4), fields: ['status', 'eta'] })),
                str('gen_ai.tool.call.result', JSON.stringify({ status: 'shipped', eta: '2026-12-09', carrier: 'DHL' })),
              ];
      spans.push({
        traceId,
        spanId: i === 0 ? rootId : hex(8),
        ...(i === 0 ? {} : { parentSpanId: rootId }),
        name: kind === 'agent' ? 'invoke_agent support-agent' : kind === 'llm' ? 'chat gpt-4.1' : 'execute_tool lookup_order',
        kind: kind === 'llm' ? 3 : 1,
        startTimeUnixNano: startNs.toString(),
        endTimeUnixNano: (startNs + durationNs).toString(),
        attributes,
        status: { code: random() < 0.03 ? 2 : 1 },
      });
    }
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'support-bot'), str('service.version', '1.4.2'), str('deployment.environment.name', 'prod')] },
        scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }],
      },
    ],
  };
}

/** The spans a request body becomes (decode and normalise, as the collector does). */
function normalized(body: Uint8Array): NormalizedSpan[] {
  const { request } = decodeProtobufTraceRequest(body, { maxNestingDepth: 32 });
  const out: NormalizedSpan[] = [];
  for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) out.push(normalizeSpan(span, rs.resource, ss.scope));
  return out;
}

/** The run row the service writes for a whole trace (totals only; nothing analysed yet). */
function runRowOf(rows: SpanInsertRow[], version: number): RunRow {
  const root = rows.find((row) => row.parent_span_id === null) ?? rows[0]!;
  const llm = rows.filter((row) => row.kind === 'llm');
  const inputTokens = llm.reduce((n, row) => n + row.input_tokens, 0);
  const outputTokens = llm.reduce((n, row) => n + row.output_tokens, 0);
  const resource = JSON.parse(root.resource) as Record<string, string>;
  return {
    trace_id: root.trace_id,
    service: root.service,
    agent: rows.find((row) => row.agent !== null)?.agent ?? null,
    session_id: null,
    name: root.name,
    root_span_id: root.span_id,
    start_ns: rows.reduce((min, row) => (BigInt(row.start_ns) < BigInt(min) ? row.start_ns : min), root.start_ns),
    end_ns: rows.reduce((max, row) => (BigInt(row.end_ns) > BigInt(max) ? row.end_ns : max), root.end_ns),
    root_duration_ms: root.duration_ms,
    span_count: rows.length,
    llm_call_count: llm.length,
    tool_call_count: rows.filter((row) => row.kind === 'tool').length,
    error_count: rows.filter((row) => row.status === 'error').length,
    status: root.status,
    input_tokens: String(inputTokens),
    output_tokens: String(outputTokens),
    last_received_ms: String(root.received_at_ms),
    received_by: 'bench',
    models: JSON.stringify(llm.length ? [[llm[0]!.model, llm.length, inputTokens, outputTokens, 0]] : []),
    service_version: resource['service.version'] ?? null,
    environment: resource['deployment.environment.name'] ?? null,
    analyzed: 0,
    analyzed_at_ms: '0',
    flag_badges: '[]',
    flag_detectors: [],
    contribution: '',
    deleted: 0,
    row_version: version,
    input_text: rows.find((row) => row.input_text !== '')?.input_text ?? '',
    output_text: [...rows].reverse().find((row) => row.output_text !== '')?.output_text ?? '',
  };
}

/** Spans rows and run rows, in inserts of `rowsPerInsert` spans (runs never split). */
interface RawInsert {
  spans: SpanInsertRow[];
  runs: RunRow[];
}
function rawInserts(bodies: Uint8Array[], rowsPerInsert = RAW_INSERT_ROWS): RawInsert[] {
  const out: RawInsert[] = [];
  const receivedAtMs = Date.now();
  let version = 1;
  const perInsert = Math.max(1, Math.floor(rowsPerInsert / SPANS_PER_REQUEST));
  for (let i = 0; i < bodies.length; i += perInsert) {
    const spans = bodies.slice(i, i + perInsert).flatMap((body) => normalized(body).map((span, seq) => toSpanInsertRow(span, receivedAtMs, seq)));
    const byTrace = new Map<string, SpanInsertRow[]>();
    for (const row of spans) byTrace.set(row.trace_id, [...(byTrace.get(row.trace_id) ?? []), row]);
    out.push({ spans, runs: [...byTrace.values()].map((rows) => runRowOf(rows, version++)) });
  }
  return out;
}

/** ClickHouse's own rate: one insert in flight, spans then their run rows, quorum as the service. */
async function rawRate(connection: ClickHouseConnection, database: string, cluster: string, inserts: RawInsert[]): Promise<number> {
  const tables = tableNames({ database, cluster });
  const started = performance.now();
  let spans = 0;
  for (const insert of inserts) {
    await connection.insert(tables.spans, insert.spans, QUORUM);
    await connection.insert(tables.runs, insert.runs, QUORUM);
    spans += insert.spans.length;
  }
  return spans / ((performance.now() - started) / 1000);
}

/** Through the API: SENDERS senders post the bodies; a 503 is resent after its Retry-After. */
async function apiRate(url: string, bodies: Uint8Array[]): Promise<{ rate: number; refusals: number }> {
  let next = 0;
  let refusals = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        for (let attempt = 0; ; attempt++) {
          const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(body) });
          await response.arrayBuffer();
          if (response.ok) break;
          if (response.status !== 503 || attempt >= 20) throw new Error(`ingest refused: ${response.status}`);
          refusals++;
          await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
        }
      }
    }),
  );
  return { rate: (bodies.length * SPANS_PER_REQUEST) / ((performance.now() - started) / 1000), refusals };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
async function medianMs(fn: () => Promise<unknown>, times = 15): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

interface IngestFigures {
  shards: number;
  api: number;
  raw: number;
  refusals: number;
}

/** Ingest through the API beside the raw insert, on a fresh cluster of `shards` × 2. */
async function measureIngest(cluster: RunningCluster, bodies: Uint8Array[], inserts: RawInsert[]): Promise<IngestFigures> {
  const login = { user: 'default', password: '' };
  const connection = createHttpConnection({ urls: cluster.urls, ...login });
  // The raw baseline's schema is the service's own (created by opening the storage).
  await (await openClickHouseStorage({ urls: cluster.urls, database: 'bench_raw', cluster: cluster.cluster, ...login })).close();
  const config = configSchema.parse({
    server: { port: 0 },
    storage: { backend: 'clickhouse', clickhouse: { urls: cluster.urls, database: 'bench_api', cluster: cluster.cluster } },
    collector: { retryAfterSeconds: 1, grpc: { enabled: false } },
    logging: { level: 'silent' },
    analyzer: { enabled: false },
    reports: { enabled: false },
  });
  const service = await startService(config);
  try {
    // Warm-up (not timed): code compiled, connections open, first parts created.
    await apiRate(service.url, bodies.slice(0, 1));
    await rawRate(connection, 'bench_raw', cluster.cluster, inserts.slice(0, 1));
    const halfBodies = Math.floor(bodies.length / 2);
    const halfInserts = Math.floor(inserts.length / 2);
    const raw1 = await rawRate(connection, 'bench_raw', cluster.cluster, inserts.slice(1, halfInserts));
    const api1 = await apiRate(service.url, bodies.slice(1, halfBodies));
    const api2 = await apiRate(service.url, bodies.slice(halfBodies));
    const raw2 = await rawRate(connection, 'bench_raw', cluster.cluster, inserts.slice(halfInserts));
    return { shards: cluster.replicas.length / 2, api: (api1.rate + api2.rate) / 2, raw: (raw1 + raw2) / 2, refusals: api1.refusals + api2.refusals };
  } finally {
    await service.close();
    await connection.close();
  }
}

export default async function clickhouseBench(options: { quick: boolean }): Promise<void> {
  const ingestSpans = options.quick ? 20_480 : 102_400;
  const querySpans = options.quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-bench-ch-'));
  const base = Date.now() - 7 * 86_400_000;
  const bodies = Array.from({ length: ingestSpans / SPANS_PER_REQUEST }, (_, i) => encodeProtobuf(makeRequest(base + i * 1000, 6 * 86_400_000)));
  const inserts = rawInserts(bodies);
  console.log(
    `ingest: ${fmt(ingestSpans)} spans per measurement in OTLP/HTTP protobuf requests of ${SPANS_PER_REQUEST} (${(bodies.reduce((n, b) => n + b.length, 0) / ingestSpans).toFixed(0)} B/span), ` +
      `${SENDERS} senders; raw insert of the same rows ${RAW_INSERT_ROWS} per insert, one in flight; insert_quorum 2`,
  );
  const figures: IngestFigures[] = [];
  try {
    for (const shards of [1, 2]) {
      const cluster = await startClickHouseCluster(join(dir, `cluster-${shards}`), { shards });
      try {
        const f = await measureIngest(cluster, bodies, inserts);
        figures.push(f);
        console.log(
          `  ${shards} shard${shards > 1 ? 's' : ''} × 2 replicas: through the API ${fmt(f.api)} spans/s, ClickHouse's own insert ${fmt(f.raw)} spans/s, ` +
            `ratio ${(f.api / f.raw).toFixed(2)} (target ≥ 0.5); ${f.refusals} requests refused (503) and resent`,
        );
        if (shards === 2) await measureReads(cluster, dir, querySpans, base);
      } finally {
        await cluster.stop({ kill: true });
      }
    }
    const [one, two] = figures;
    if (one && two) {
      console.log(
        `what the second shard bought (same machine, same rows): API ${(two.api / one.api).toFixed(2)}×, raw insert ${(two.raw / one.raw).toFixed(2)}×; ` +
          'each shard holds half the spans, and takes its own quorum insert at a time',
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs list and run page at `total` spans, ClickHouse (2 × 2) beside SQLite; bytes per span. */
async function measureReads(cluster: RunningCluster, dir: string, total: number, base: number): Promise<void> {
  const login = { user: 'default', password: '' };
  const database = 'bench_read';
  const storage = await openClickHouseStorage({ urls: cluster.urls, database, cluster: cluster.cluster, ...login });
  const connection = createHttpConnection({ urls: cluster.urls, ...login });
  const sqlitePath = join(dir, 'bench.db');
  const sqlite = await openSqliteStorage({ path: sqlitePath, synchronous: 'normal' });
  let sqliteOpen = true;
  const tables = tableNames({ database, cluster: cluster.cluster });
  try {
    const started = performance.now();
    let traceId = '';
    let loaded = 0;
    // In slices of 20 requests (10,240 spans): the same spans to both stores, nothing kept.
    for (let slice = 0; loaded < total; slice++) {
      const bodies = Array.from({ length: 20 }, (_, i) => encodeProtobuf(makeRequest(base + (slice * 20 + i) * 1000, 6 * 86_400_000)));
      for (const insert of rawInserts(bodies, bodies.length * SPANS_PER_REQUEST)) {
        await connection.insert(tables.spans, insert.spans, QUORUM);
        await connection.insert(tables.runs, insert.runs, QUORUM);
      }
      for (const body of bodies) await sqlite.traces.writeSpans(normalized(body), Date.now());
      loaded += bodies.length * SPANS_PER_REQUEST;
      if (loaded >= total / 2 && traceId === '') traceId = normalized(bodies[0]!)[0]!.traceId;
    }
    console.log(`reads at ${fmt(loaded)} spans (${fmt(loaded / SPANS_PER_RUN)} runs; loaded into both stores in ${((performance.now() - started) / 1000).toFixed(0)} s), server time, median of 15:`);
    const chList = await medianMs(() => storage.runs.listRuns({ limit: 50 }));
    const sqList = await medianMs(() => sqlite.runs.listRuns({ limit: 50 }));
    const page = (s: typeof storage) => Promise.all([s.runs.getRun(traceId), s.runs.listRunSpans(traceId), s.flags.listFlagsOfTrace(traceId)]);
    const chPage = await medianMs(() => page(storage));
    const sqPage = await medianMs(() => page(sqlite));
    console.log(`  runs list (newest 50): ClickHouse 2×2 ${chList.toFixed(1)} ms, SQLite ${sqList.toFixed(1)} ms`);
    console.log(`  run page (run + ${SPANS_PER_RUN} spans + flags): ClickHouse 2×2 ${chPage.toFixed(1)} ms, SQLite ${sqPage.toFixed(1)} ms`);

    let bytes = 0;
    for (const url of cluster.urls) {
      const server = createHttpConnection({ urls: [url], ...login });
      await server.exec(`OPTIMIZE TABLE ${database}.spans_local FINAL`).catch(() => undefined);
      await server.exec(`OPTIMIZE TABLE ${database}.runs_local FINAL`).catch(() => undefined);
      const rows = await server.select<{ b: string }>(
        `SELECT toString(sum(bytes_on_disk)) AS b FROM system.parts WHERE active AND database = '${database}' AND table IN ('spans_local', 'runs_local')`,
      );
      bytes += Number(rows[0]?.b ?? 0);
      await server.close();
    }
    await sqlite.close();
    sqliteOpen = false;
    console.log(
      `  bytes per span on disk (spans + runs, system.parts after OPTIMIZE FINAL): ${(bytes / loaded / 2).toFixed(0)} per copy, ${(bytes / loaded).toFixed(0)} for both replicas; ` +
        `SQLite file ${(statSync(sqlitePath).size / loaded).toFixed(0)} per span (one copy, all its indexes)`,
    );
  } finally {
    await storage.close();
    await connection.close();
    if (sqliteOpen) await sqlite.close();
  }
}
