import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as HttpExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { context, trace } from '@opentelemetry/api';
import { spawnServe, type ServeProcess } from '../durability/support/serve-process.js';
import { grpcExport, TRACE_EXPORT } from '../collector/support/grpc-client.js';
import { encodeProtobuf, freshId, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startTestCluster } from './support/test-cluster.js';

/**
 * Two real `tracehound serve` processes (storage.backend clickhouse) on one 2 shards × 2 replicas
 * cluster of real clickhouse-server processes, fed by the real OpenTelemetry exporters: process A
 * over OTLP/HTTP protobuf, process B over OTLP/gRPC. Mid-ingest shard 1's second replica is killed
 * with SIGKILL, so shard 1 cannot reach its insert quorum; then it is started again. Shown:
 * - while the quorum is unreachable, /healthz answers 503 on both processes, OTLP/HTTP 503 with
 *   Retry-After and OTLP/gRPC UNAVAILABLE with RetryInfo for a trace of shard 1;
 * - both recover by themselves once the replica is back (no restart, no call of ours);
 * - every span whose export was acknowledged is found afterwards, through BOTH processes, and
 *   both answer the runs list and each run page with the same spans.
 */
const SPANS_PER_TRACE = 20;
/** Acknowledged traces per sender before the kill, and again after recovery. */
const TRACES_PER_PHASE = 4;
/** The replica killed: index 1 of the cluster's replicas = shard 1, replica 2. */
const KILLED = 1;

interface Sender {
  name: string;
  exporter: HttpExporter | GrpcExporter;
  server: ServeProcess;
}

/** Collects the SDK's finished spans, so each trace is exported as one request. */
class Collect implements SpanExporter {
  spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** One agent run made with the real SDK: a root span and SPANS_PER_TRACE - 1 tool calls. */
function makeTrace(provider: BasicTracerProvider, collect: Collect, label: string): ReadableSpan[] {
  const tracer = provider.getTracer('scale-out');
  collect.spans = [];
  const root = tracer.startSpan(`run ${label}`, { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
  const ctx = trace.setSpan(context.active(), root);
  for (let i = 1; i < SPANS_PER_TRACE; i++) {
    tracer
      .startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.arguments': `{"q":"${label}-${i}"}` } }, ctx)
      .end();
  }
  root.end();
  return collect.spans;
}

/** Exports one trace; null when acknowledged, else why not. */
function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<string | null> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code === ExportResultCode.SUCCESS ? null : String(result.error?.message ?? result.error ?? 'failed'))));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** A trace id that the Distributed tables' sharding key (cityHash64(trace_id)) puts on shard 1. */
async function traceIdOnShard1(url: string): Promise<string> {
  const candidates = Array.from({ length: 32 }, () => freshId(16));
  const sql = `SELECT id FROM (SELECT arrayJoin([${candidates.map((id) => `'${id}'`).join(',')}]) AS id) WHERE cityHash64(id) % 2 = 0 LIMIT 1`;
  const response = await fetch(url, { method: 'POST', body: sql });
  const id = (await response.text()).trim();
  if (!response.ok || !/^[0-9a-f]{32}$/.test(id)) throw new Error(`no shard-1 trace id: ${response.status} ${id}`);
  return id;
}

/** One span of `traceId` as an OTLP protobuf body (a new span id each call). */
function probeBody(traceId: string): { body: Uint8Array; spanId: string } {
  const span = jsonSpan({ traceId, name: 'probe' });
  return { body: encodeProtobuf(jsonRequest([span], 'probe')), spanId: span.spanId };
}

async function httpProbe(server: ServeProcess, traceId: string) {
  const { body, spanId } = probeBody(traceId);
  const response = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(body) });
  // A success's body is an empty protobuf message; a refusal's says why.
  const text = response.ok ? (await response.arrayBuffer(), '') : await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), spanId, body: text };
}

async function grpcProbe(server: ServeProcess, traceId: string) {
  const { body, spanId } = probeBody(traceId);
  return { ...(await grpcExport(grpcPortOf(server), TRACE_EXPORT, body)), spanId };
}

function grpcPortOf(server: ServeProcess): number {
  const line = server.output.find((l) => l.includes('tracehound listening'));
  const port = line ? (JSON.parse(line) as { grpcPort?: number | null }).grpcPort : null;
  if (typeof port !== 'number') throw new Error(`no gRPC port in the listening line: ${line}`);
  return port;
}

/** SIGTERM, SIGKILL after `graceMs`, and wait for the exit (bounded; idempotent; never throws). */
async function stopProcess(child: ChildProcess, exited: Promise<unknown>, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (gone) return;
  child.kill('SIGKILL');
  await Promise.race([exited, sleep(5_000)]);
}

describe('scale-out: two tracehound processes on a 2 × 2 ClickHouse cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-scale-out-'));
  let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
  const servers: ServeProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    const configPath = join(dir, 'otel-config.yaml');
    writeFileSync(configPath, 'collector:\n  retryAfterSeconds: 1\nanalyzer:\n  idle: 1s\nreports:\n  enabled: false\n');
    const env = {
      TRACEHOUND_STORAGE_BACKEND: 'clickhouse',
      TRACEHOUND_CLICKHOUSE_URLS: cluster.urls.join(','),
      TRACEHOUND_CLICKHOUSE_CLUSTER: cluster.cluster,
    };
    // Both at once: the schema is created IF NOT EXISTS by whichever comes first.
    const serve = () => spawnServe(['--config', configPath], dir, env, { startTimeoutMs: 90_000 });
    const started = await Promise.allSettled([serve(), serve()]);
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => stopProcess(server.child, server.exited)));
    await cluster?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every acknowledged span through kill -9 of a replica mid-ingest, and both processes answer the same', async () => {
    const c = cluster!;
    const t0 = Date.now();
    const senders: Sender[] = [
      { name: 'http', exporter: new HttpExporter({ url: `${servers[0]!.url}/v1/traces`, timeoutMillis: 5_000 }), server: servers[0]! },
      { name: 'grpc', exporter: new GrpcExporter({ url: `http://127.0.0.1:${grpcPortOf(servers[1]!)}`, timeoutMillis: 5_000 }), server: servers[1]! },
    ];
    /** traceId → span ids, for every export that was acknowledged. */
    const acked = new Map<string, Set<string>>();
    const tally = senders.map(() => ({ ackedBefore: 0, ackedDuring: 0, refusedDuring: 0, ackedAfter: 0 }));
    const refusedAfter: string[] = [];
    const refusedDuring: string[] = [];
    const lastExportOk = senders.map(() => false);
    let healthyAt = 0;
    let phase: 'before' | 'during' | 'after' = 'before';
    let stop = false;
    const loops = senders.map(async (sender, index) => {
      const collect = new Collect();
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': `sender-${sender.name}` }), spanProcessors: [new SimpleSpanProcessor(collect)] });
      for (let i = 0; !stop; i++) {
        const startedIn = phase;
        const spans = makeTrace(provider, collect, `${sender.name}-${i}`);
        const error = await exportOnce(sender.exporter, spans);
        const ok = error === null;
        lastExportOk[index] = ok;
        if (ok) acked.set(spans[0]!.spanContext().traceId, new Set(spans.map((s) => s.spanContext().spanId)));
        // A trace counts in the phase it started and ended in; one that straddles a change is in neither.
        if (startedIn !== phase) continue;
        const t = tally[index]!;
        if (phase === 'before') t.ackedBefore += ok ? 1 : 0;
        else if (phase === 'during') {
          if (ok) t.ackedDuring++;
          else {
            t.refusedDuring++;
            refusedDuring.push(`${sender.name}: ${error.split(/[\n,]/)[0]!.replace(/ after [\d.]+s$/, '').slice(0, 80)}`);
          }
        }
        else if (ok) t.ackedAfter++;
        else refusedAfter.push(`${sender.name} at ${Date.now() - healthyAt} ms: ${error.split(/[\n,]/)[0]!.slice(0, 80)}`);
      }
    });
    const loopsDone = Promise.all(loops);

    // 1. Ingest is flowing into both processes.
    await waitFor('acknowledged traces before the kill', async () => tally.every((t) => t.ackedBefore >= TRACES_PER_PHASE), 60_000);

    // 2. kill -9 one replica of shard 1 mid-ingest.
    const shard1Trace = await traceIdOnShard1(c.urls[0]!);
    await c.killReplica(KILLED);
    phase = 'during';
    const killedAt = Date.now();

    // 3. While shard 1 has no quorum: /healthz 503 on both; OTLP/HTTP 503 + Retry-After and
    //    OTLP/gRPC UNAVAILABLE + RetryInfo for a trace of shard 1, on both.
    const healthStatus = async (server: ServeProcess) => (await fetch(`${server.url}/healthz`)).status;
    const unhealthyMs = await waitFor('/healthz 503 on both processes', async () => (await Promise.all(servers.map(healthStatus))).every((s) => s === 503), 30_000);
    const httpRefusals = await Promise.all(servers.map((server) => httpProbe(server, shard1Trace)));
    const grpcRefusals = await Promise.all(servers.map((server) => grpcProbe(server, shard1Trace)));
    for (const refusal of httpRefusals) {
      expect(refusal.status).toBe(503);
      expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    }
    for (const refusal of grpcRefusals) {
      expect(refusal.code).toBe(14); // UNAVAILABLE
      expect(refusal.retryDelaySeconds).toBeGreaterThan(0);
    }
    // Let the exporters run into the outage (they retry, then give up on shard 1's traces).
    await waitFor('exports during the outage', async () => tally.every((t) => t.ackedDuring + t.refusedDuring >= 1), 60_000);

    // 4. The replica comes back; both processes recover by themselves.
    await c.restartReplica(KILLED);
    const restartedAt = Date.now();
    const recoveryMs = await waitFor('/healthz 200 on both processes', async () => (await Promise.all(servers.map(healthStatus))).every((s) => s === 200), 60_000);
    phase = 'after';
    healthyAt = Date.now();
    // Shard 1 takes writes again once the restarted replica has fetched what it missed (until
    // then inserts get 286 "quorum for previous write not satisfied": 503, the sender retries).
    const shard1Acked = new Set<string>();
    const shard1AcceptedMs = await waitFor('shard 1 taking OTLP/HTTP and OTLP/gRPC again on both processes', async () => {
      const replies = await Promise.all(servers.flatMap((server) => [
        httpProbe(server, shard1Trace).then((r) => ({ ok: r.status === 200, spanId: r.spanId })),
        grpcProbe(server, shard1Trace).then((r) => ({ ok: r.code === 0, spanId: r.spanId })),
      ]));
      for (const reply of replies) if (reply.ok) shard1Acked.add(reply.spanId);
      return replies.every((reply) => reply.ok);
    }, 60_000);
    acked.set(shard1Trace, shard1Acked);
    await waitFor('acknowledged traces after recovery', async () => tally.every((t) => t.ackedAfter >= TRACES_PER_PHASE), 90_000);
    stop = true;
    await loopsDone;
    await Promise.all(senders.map((sender) => sender.exporter.shutdown()));

    // 5. Every acknowledged span, through both processes, with the same answer from each.
    let ackedSpans = 0;
    let missing = 0;
    let differing = 0;
    for (const [traceId, spanIds] of acked) {
      ackedSpans += spanIds.size;
      const pages = await Promise.all(servers.map(async (server) => {
        const response = await fetch(`${server.url}/api/runs/${traceId}`);
        return response.ok ? ((await response.json()) as { spans?: { spanId: string }[] }) : { spans: [] };
      }));
      const [a, b] = pages.map((page) => (page.spans ?? []).map((s) => s.spanId).sort());
      if (JSON.stringify(a) !== JSON.stringify(b)) differing++;
      for (const spanId of spanIds) if (!a!.includes(spanId) || !b!.includes(spanId)) missing++;
    }
    const lists = await Promise.all(servers.map(async (server) => ((await (await fetch(`${server.url}/api/runs?limit=500`)).json()) as { runs: { traceId: string; spanCount: number }[] }).runs));
    const summary = lists.map((runs) => runs.map((r) => `${r.traceId}:${r.spanCount}`).sort());

    const refused = tally.reduce((n, t) => n + t.refusedDuring, 0);
    console.log(
      `scale-out: ${acked.size} traces / ${ackedSpans} spans acknowledged (${tally.map((t, i) => `${senders[i]!.name}: ${t.ackedBefore} before, ${t.ackedDuring} during, ${t.ackedAfter} after`).join('; ')}), ` +
        `${refused} exports refused during the outage (${[...new Set(refusedDuring)].join('; ')}), ${missing} acknowledged spans missing, ${differing} run pages differing; ` +
        `/healthz 503 ${unhealthyMs} ms after the kill, outage ${restartedAt - killedAt} ms, /healthz 200 ${recoveryMs} ms after the restart and shard 1 taking writes ${recoveryMs + shard1AcceptedMs} ms after; ` +
        `${refusedAfter.length} exports refused after /healthz 200${refusedAfter.length ? ` (${refusedAfter.join('; ')})` : ''}; test ${Date.now() - t0} ms`,
    );
    expect(missing).toBe(0);
    expect(differing).toBe(0);
    // Recovered by itself: each sender's last export (started long after the restart) was taken.
    expect(lastExportOk).toEqual([true, true]);
    expect(summary[0]).toEqual(summary[1]);
    for (const traceId of acked.keys()) {
      if (traceId === shard1Trace) continue;
      expect(lists[0]!.find((r) => r.traceId === traceId)?.spanCount).toBe(SPANS_PER_TRACE);
    }
  }, 240_000);
});
