/**
 * `npm run bench -- clickhouse`: the ClickHouse backend on a real 2 shards × 2 replicas cluster
 * (scripts/clickhouse-cluster.ts) started here.
 * - ingest: spans/s through the backend's TraceWriter (duplicate check, quorum insert through the
 *   Distributed table, run totals recomputed) beside ClickHouse's own rate for the same rows
 *   inserted straight into the Distributed spans table with the same quorum settings, same run;
 * - runs list (newest 50) and run page (run + its spans) median server times, beside SQLite
 *   holding the same spans;
 * - bytes per span on disk: all four servers together (two copies), and per copy.
 * Full: 300,000 spans in runs of 40 (quick: 40,000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouseCluster } from '../scripts/clickhouse-cluster.js';
import { openClickHouseStorage } from '../store/clickhouse/open-clickhouse-storage.js';
import { createHttpConnection } from '../store/clickhouse/http-connection.js';
import { toSpanInsertRow } from '../store/clickhouse/clickhouse-trace-writer.js';
import { openSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import type { NormalizedSpan, SpanKind } from '../model/span.js';

const SPANS_PER_RUN = 40;
const BATCH_SPANS = 2000;
const IN_FLIGHT = 4;

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

function makeRun(startMs: number): NormalizedSpan[] {
  const traceId = hex(16);
  const rootId = hex(8);
  const spans: NormalizedSpan[] = [];
  for (let i = 0; i < SPANS_PER_RUN; i++) {
    const kind: SpanKind = i === 0 ? 'agent' : i % 3 === 0 ? 'llm' : 'tool';
    const s = BigInt(Math.round((startMs + i * 50) * 1000)) * 1000n;
    const durationMs = 20 + random() * 400;
    spans.push({
      traceId,
      spanId: i === 0 ? rootId : hex(8),
      parentSpanId: i === 0 ? null : rootId,
      name: kind === 'agent' ? 'invoke_agent support' : kind === 'llm' ? 'chat gpt-4.1' : 'execute_tool search_kb',
      kind,
      otelKind: 1,
      startTimeUnixNano: s,
      endTimeUnixNano: s + BigInt(Math.round(durationMs * 1e6)),
      durationMs,
      status: random() < 0.03 ? 'error' : 'ok',
      statusMessage: '',
      service: 'support-bot',
      agent: 'support-agent',
      sessionId: null,
      operation: kind === 'agent' ? 'agent:support-agent' : kind === 'llm' ? 'llm:gpt-4.1' : 'tool:search_kb',
      llm: kind === 'llm' ? { model: 'gpt-4.1', provider: 'openai', inputTokens: 800, outputTokens: 120, finishReason: 'stop', outputText: 'The order ships tomorrow. '.repeat(4), toolCallNames: [] } : null,
      tool: kind === 'tool' ? { name: 'search_kb', arguments: `{"query":"refund policy ${i}"}`, result: '{"hits":[{"id":"kb-12","title":"Refunds"}]}' } : null,
      attributes: { 'gen_ai.operation.name': kind === 'llm' ? 'chat' : 'execute_tool', 'gen_ai.request.model': 'gpt-4.1', 'app.step': i },
      events: [],
      resource: { 'service.name': 'support-bot', 'service.version': '1.4.2' },
      scopeName: 'bench',
    });
  }
  return spans;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(fn: () => Promise<unknown>, times = 15): Promise<number> {
  const out: number[] = [];
  await fn();
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** Runs `work` over `batches` with IN_FLIGHT at a time; spans/s. */
async function rate(batches: NormalizedSpan[][], work: (batch: NormalizedSpan[], index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  let spans = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) {
        const index = next++;
        await work(batches[index]!, index);
        spans += batches[index]!.length;
      }
    }),
  );
  return spans / ((performance.now() - started) / 1000);
}

export default async function clickhouseBench(options: { quick: boolean }): Promise<void> {
  const totalSpans = options.quick ? 40_000 : 300_000;
  const runs = totalSpans / SPANS_PER_RUN;
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-bench-ch-'));
  const cluster = await startClickHouseCluster(join(dir, 'cluster'));
  try {
    const base = Date.now() - 7 * 86_400_000;
    const all: NormalizedSpan[] = [];
    for (let r = 0; r < runs; r++) all.push(...makeRun(base + (r / runs) * 7 * 86_400_000));
    const batches: NormalizedSpan[][] = [];
    for (let i = 0; i < all.length; i += BATCH_SPANS) batches.push(all.slice(i, i + BATCH_SPANS));
    // The same rows for ClickHouse's own rate, into a second database so nothing is deduplicated.
    const half = Math.floor(batches.length / 2);
    const storage = await openClickHouseStorage({ urls: cluster.urls, database: 'bench', cluster: cluster.cluster, user: 'default', password: '' });
    const raw = await openClickHouseStorage({ urls: cluster.urls, database: 'bench_raw', cluster: cluster.cluster, user: 'default', password: '' });
    const connection = createHttpConnection({ urls: cluster.urls, user: 'default', password: '' });
    const quorum = { insert_quorum: 2, insert_quorum_timeout: 60_000, insert_distributed_sync: 1 };
    // Interleaved halves, so both see the same cluster state: raw first half, API first half, …
    const rawRate1 = await rate(batches.slice(0, half), (batch, i) => connection.insert('bench_raw.spans', batch.map((s, k) => toSpanInsertRow(s, 1_000 + i, k)), quorum));
    const apiRate1 = await rate(batches.slice(0, half), (batch, i) => storage.traces.writeSpans(batch, 1_000 + i));
    const apiRate2 = await rate(batches.slice(half), (batch, i) => storage.traces.writeSpans(batch, 2_000 + i));
    const rawRate2 = await rate(batches.slice(half), (batch, i) => connection.insert('bench_raw.spans', batch.map((s, k) => toSpanInsertRow(s, 2_000 + i, k)), quorum));
    const apiRate = (apiRate1 + apiRate2) / 2;
    const rawRate = (rawRate1 + rawRate2) / 2;
    console.log(`ingest ${all.length.toLocaleString()} spans (batches of ${BATCH_SPANS}, ${IN_FLIGHT} in flight, insert_quorum 2 on 2×2):`);
    console.log(`  through tracehound's TraceWriter: ${Math.round(apiRate).toLocaleString()} spans/s`);
    console.log(`  ClickHouse's own insert of the same rows: ${Math.round(rawRate).toLocaleString()} spans/s`);
    console.log(`  ratio: ${(apiRate / rawRate).toFixed(2)} (target ≥ 0.5)`);

    // SQLite with the same spans.
    const dbPath = join(dir, 'bench.db');
    const sqlite = await openSqliteStorage({ path: dbPath, synchronous: 'normal' });
    for (const batch of batches) await sqlite.traces.writeSpans(batch, 1_000);
    const traceId = all[Math.floor(all.length / 2)]!.traceId;
    const chList = await time(() => storage.runs.listRuns({ limit: 50 }));
    const chPage = await time(async () => Promise.all([storage.runs.getRun(traceId), storage.runs.listRunSpans(traceId), storage.flags.listFlagsOfTrace(traceId)]));
    const sqList = await time(() => sqlite.runs.listRuns({ limit: 50 }));
    const sqPage = await time(async () => Promise.all([sqlite.runs.getRun(traceId), sqlite.runs.listRunSpans(traceId), sqlite.flags.listFlagsOfTrace(traceId)]));
    console.log(`server time at ${all.length.toLocaleString()} spans (${runs.toLocaleString()} runs), median of 15:`);
    console.log(`  runs list (newest 50): ClickHouse ${chList.toFixed(1)} ms, SQLite ${sqList.toFixed(1)} ms`);
    console.log(`  run page (run + ${SPANS_PER_RUN} spans + flags): ClickHouse ${chPage.toFixed(1)} ms, SQLite ${sqPage.toFixed(1)} ms`);

    await Promise.all(cluster.urls.map((url) => createHttpConnection({ urls: [url], user: 'default', password: '' }).exec("OPTIMIZE TABLE bench.spans_local FINAL").catch(() => undefined)));
    let bytes = 0;
    for (const url of cluster.urls) {
      const server = createHttpConnection({ urls: [url], user: 'default', password: '' });
      const rows = await server.select<{ b: string }>("SELECT toString(sum(bytes_on_disk)) AS b FROM system.parts WHERE active AND database = 'bench' AND table IN ('spans_local', 'runs_local')");
      bytes += Number(rows[0]?.b ?? 0);
      await server.close();
    }
    console.log(`bytes per span on disk (spans + runs): ${(bytes / all.length).toFixed(0)} for both copies, ${(bytes / all.length / 2).toFixed(0)} per copy; SQLite file ${(statSync(dbPath).size / all.length).toFixed(0)} per span (one copy)`);
    await storage.close();
    await raw.close();
    await connection.close();
    await sqlite.close();
  } finally {
    await cluster.stop({ kill: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
