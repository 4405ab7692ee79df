/**
 * Ingest throughput: realistic agent spans (LLM calls with messages, tool calls with arguments
 * and results, ≈900 bytes each in protobuf) sent in batches of 512 by several concurrent
 * senders through the real endpoints (OTLP/HTTP protobuf, OTLP/gRPC, OTLP/HTTP JSON), side by side with the raw
 * SQLite insert rate of the same rows into the same schema, measured in the same run.
 *
 * The senders run in a worker thread with pre-encoded bodies, so the figures are the server's
 * cost (HTTP, decompression, decode, validation, normalisation, group commit), not the client's.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendFromWorker } from './support/send-from-worker.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { configSchema } from '../config/schema.js';
import { startService } from '../cli/service.js';
import { openDatabase } from '../store/sqlite/database.js';
import { normalizeSpan } from '../model/normalize/normalize-span.js';
import { decodeProtobufTraceRequest } from '../collector/decode/protobuf-decoder.js';
import { decodeJsonTraceRequest } from '../collector/decode/json-decoder.js';
import type { NormalizedSpan } from '../model/span.js';
import { createSpanRowWriter, toSpanRows, type SpanRows } from '../store/span-writer.js';
import { validateSpan } from '../collector/decode/validate-span.js';
import { createRedactor } from '../security/redactor.js';
import { encodeJson, encodeProtobuf, freshId, type JsonKeyValue, type JsonSpan, type JsonTraceRequest } from '../test/collector/support/otlp-payloads.js';

const SPANS_PER_BATCH = 512;
const SENDERS = 4;

export default async function ingestBench({ quick }: { quick: boolean }): Promise<void> {
  const batches = quick ? 12 : 120;
  const protobufBodies: Uint8Array[] = [];
  const jsonBodies: Buffer[] = [];
  for (let i = 0; i < batches; i++) {
    const request = makeBatch(i);
    protobufBodies.push(encodeProtobuf(request));
    jsonBodies.push(Buffer.from(encodeJson(request)));
  }
  const spanCount = batches * SPANS_PER_BATCH;
  const protobufBytes = protobufBodies.reduce((sum, body) => sum + body.length, 0);
  console.log(
    `${batches} batches × ${SPANS_PER_BATCH} spans = ${spanCount} spans; ${(protobufBytes / spanCount).toFixed(0)} B/span protobuf, ` +
      `${(jsonBodies.reduce((sum, body) => sum + body.length, 0) / spanCount).toFixed(0)} B/span JSON; ${SENDERS} concurrent senders`,
  );

  // The pipeline runs first, while this process's heap holds only the request bodies: the
  // raw and per-stage measurements below build hundreds of MB of rows that would otherwise
  // make the pipeline (same process) pay for their garbage collection.
  const pipelines: { encoding: string; writerThread: boolean; result: PipelineResult }[] = [];
  for (const [encoding, writerThread] of [['protobuf', true], ['grpc', true], ['protobuf', false], ['json', true], ['json', false]] as const) {
    const result = await measurePipeline(encoding === 'json' ? jsonBodies : protobufBodies, encoding, spanCount, writerThread);
    pipelines.push({ encoding, writerThread, result });
  }
  const pipelineRssMb = process.resourceUsage().maxRSS / 1024;

  const decodeRates = measureDecode(protobufBodies, jsonBodies);
  console.log(`decode only (one core): protobuf ${fmt(decodeRates.protobuf)} spans/s, JSON ${fmt(decodeRates.json)} spans/s`);

  const stages = measureStages(protobufBodies);
  console.log(
    `per-span cost by stage (one thread, µs): ${Object.entries(stages)
      .map(([stage, us]) => `${stage} ${us.toFixed(1)}`)
      .join(', ')}`,
  );

  const raw = measureRawInsert(protobufBodies, 4096);
  console.log(
    `raw SQLite insert (same rows: spans + indexes, resource, runs upsert; pre-serialised; prepared statements, 4096/txn, synchronous=full): ${fmt(raw.rate)} spans/s ` +
      `(spans INSERT alone: ${fmt(raw.spansOnlyRate)} spans/s)`,
  );
  // With SENDERS senders each waiting for its answer, a group commit holds at most
  // SENDERS × 512 spans (about half that on average): the same insert at that transaction size
  // is the baseline in the pipeline's own conditions (one fsync per ~1000 spans, not per 4096).
  const rawSmall = measureRawInsert(protobufBodies, 1024);
  console.log(`raw SQLite insert as above, 1024/txn (the pipeline's commit size with ${SENDERS} senders): ${fmt(rawSmall.rate)} spans/s`);

  for (const { encoding, writerThread, result } of pipelines) {
    console.log(
      `pipeline ${(encoding === 'grpc' ? 'gRPC' : `HTTP ${encoding}`).padEnd(13)} ${writerThread ? 'writer thread' : 'event loop   '}: ${fmt(result.rate)} spans/s = ${((result.rate / raw.rate) * 100).toFixed(0)}% of raw insert ` +
        `(${((result.rate / rawSmall.rate) * 100).toFixed(0)}% of raw at 1024/txn); ` +
        `${result.failed} failed requests; ${result.stored} stored; ${result.bytesPerSpan.toFixed(0)} B/span on disk; ` +
        `commits: ${result.commits} (mean ${result.meanCommitMs.toFixed(1)} ms, ${(result.spansPerCommit).toFixed(0)} spans each); ` +
        `event-loop delay max ${result.loopDelayMaxMs.toFixed(0)} ms, p99 ${result.loopDelayP99Ms.toFixed(0)} ms`,
    );
  }
  console.log(`peak RSS during the pipeline runs ${pipelineRssMb.toFixed(0)} MiB (whole process: service, senders and their copies of the bodies)`);
  console.log(`peak RSS overall ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (raw and per-stage measurements included)`);
}

function fmt(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

function measureDecode(protobufBodies: Uint8Array[], jsonBodies: Buffer[]): { protobuf: number; json: number } {
  const limits = { maxNestingDepth: 32 };
  const time = (run: () => void): number => {
    run(); // warm up
    const started = performance.now();
    run();
    return (protobufBodies.length * SPANS_PER_BATCH) / ((performance.now() - started) / 1000);
  };
  return {
    protobuf: time(() => protobufBodies.forEach((body) => decodeProtobufTraceRequest(body, limits))),
    json: time(() => jsonBodies.forEach((body) => decodeJsonTraceRequest(body.toString('utf8'), limits))),
  };
}

/** Where the time goes, stage by stage, on one thread (writes in 4096-span transactions). */
function measureStages(protobufBodies: Uint8Array[]): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-bench-stages-'));
  try {
    const db = openDatabase(join(dir, 'stages.db'), { synchronous: 'full' });
    const writeRows = createSpanRowWriter(db);
    const redact = createRedactor(configSchema.parse({}).redaction);
    const limits = { maxNestingDepth: 32, maxAttributeCount: 1024, maxAttributeValueBytes: 1024 * 1024 };
    const totals = { decode: 0, validate: 0, normalize: 0, redact: 0, rows: 0, insert: 0 };
    let count = 0;
    let pending: NormalizedSpan[] = [];
    const write = (batch: NormalizedSpan[]) => {
      const receivedAtMs = Date.now();
      let t = performance.now();
      const rows = toSpanRows(batch, receivedAtMs);
      totals.rows += performance.now() - t;
      t = performance.now();
      writeRows(rows, receivedAtMs);
      totals.insert += performance.now() - t;
    };
    for (const body of protobufBodies) {
      let t = performance.now();
      const { request } = decodeProtobufTraceRequest(body, limits);
      totals.decode += performance.now() - t;
      const spans = request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ span, rs, ss }))));
      t = performance.now();
      for (const { span } of spans) validateSpan(span, limits);
      totals.validate += performance.now() - t;
      t = performance.now();
      const normalized = spans.map(({ span, rs, ss }) => normalizeSpan(span, rs.resource, ss.scope));
      totals.normalize += performance.now() - t;
      t = performance.now();
      const redacted = normalized.map(redact);
      totals.redact += performance.now() - t;
      pending.push(...redacted);
      count += redacted.length;
      if (pending.length >= 4096) {
        write(pending);
        pending = [];
      }
    }
    if (pending.length > 0) write(pending);
    db.close();
    return Object.fromEntries(Object.entries(totals).map(([stage, ms]) => [stage, (ms * 1000) / count]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The raw baseline: the same rows the pipeline stores (spans with their indexes, the resource,
 * the runs upsert), serialised in advance, inserted with the span writer's prepared statements
 * in transactions of `perTransaction` spans, on a database opened like the service's
 * (synchronous=full, same cache). `spansOnly` also times the bare spans INSERT, for reference.
 */
function measureRawInsert(protobufBodies: Uint8Array[], perTransaction: number): { rate: number; spansOnlyRate: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-bench-raw-'));
  try {
    const spans: NormalizedSpan[] = [];
    for (const body of protobufBodies) {
      const { request } = decodeProtobufTraceRequest(body, { maxNestingDepth: 32 });
      for (const rs of request.resourceSpans) {
        for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push(normalizeSpan(span, rs.resource, ss.scope));
      }
    }
    const receivedAtMs = Date.now();
    const batches: SpanRows[] = [];
    for (let i = 0; i < spans.length; i += perTransaction) batches.push(toSpanRows(spans.slice(i, i + perTransaction), receivedAtMs));

    const db = openDatabase(join(dir, 'raw.db'), { synchronous: 'full' });
    const writeRows = createSpanRowWriter(db);
    let started = performance.now();
    for (const batch of batches) writeRows(batch, receivedAtMs);
    const rate = spans.length / ((performance.now() - started) / 1000);
    db.close();

    const bare = openDatabase(join(dir, 'bare.db'), { synchronous: 'full' });
    const insert = bare.prepare(`
      INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, otel_kind, start_ns, end_ns,
        duration_ms, status, status_message, service, agent, session_id, operation, llm, tool,
        attributes, events, resource_hash, scope_name, received_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (trace_id, span_id) DO NOTHING`);
    const insertMany = bare.transaction((batch: SpanRows) => {
      for (const r of batch.rows) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18], r[19], r[20], r[21]);
    });
    started = performance.now();
    for (const batch of batches) insertMany(batch);
    const spansOnlyRate = spans.length / ((performance.now() - started) / 1000);
    bare.close();
    return { rate, spansOnlyRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PipelineResult {
  rate: number;
  failed: number;
  stored: number;
  bytesPerSpan: number;
  commits: number;
  meanCommitMs: number;
  spansPerCommit: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
}

/** `grpc`: the same protobuf bodies as OTLP/gRPC TraceService/Export calls (SENDERS concurrent calls on one HTTP/2 connection). */
async function measurePipeline(bodies: Uint8Array[], encoding: 'protobuf' | 'json' | 'grpc', spanCount: number, writerThread: boolean): Promise<PipelineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-bench-'));
  const dbPath = join(dir, 'bench.db');
  const config = configSchema.parse({
    server: { port: 0 },
    storage: { path: dbPath, writerThread },
    logging: { level: 'silent' },
    analyzer: { enabled: false },
    reports: { enabled: false, dir: join(dir, 'reports') },
  });
  const service = await startService(config);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  try {
    const contentType = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    // Warm-up (not timed): one small request, so the writer thread is up and code is compiled.
    await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeProtobuf(makeWarmUp()) as unknown as BodyInit, headers: { 'content-type': 'application/x-protobuf' } });
    loopDelay.enable();
    const { ms, failed } =
      encoding === 'grpc'
        ? await sendFromWorker(`127.0.0.1:${service.grpcPort}`, bodies, 'grpc', SENDERS)
        : await sendFromWorker(`${service.url}/v1/traces`, bodies, contentType, SENDERS);
    loopDelay.disable();
    const stored = (service.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n - 1;
    const commit = (await service.metrics.ingestCommitSeconds.get()).values;
    const commits = commit.find((value) => value.metricName?.endsWith('_count'))?.value ?? 0;
    const commitSeconds = commit.find((value) => value.metricName?.endsWith('_sum'))?.value ?? 0;
    service.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = statSync(dbPath).size + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
    return {
      rate: spanCount / (ms / 1000),
      failed,
      stored,
      bytesPerSpan: bytes / Math.max(stored, 1),
      commits,
      meanCommitMs: commits === 0 ? 0 : (commitSeconds / commits) * 1000,
      spansPerCommit: commits === 0 ? 0 : stored / commits,
      loopDelayMaxMs: loopDelay.max / 1e6,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    };
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function makeWarmUp(): JsonTraceRequest {
  const start = '1600000000000000000';
  return { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: freshId(16), spanId: freshId(8), name: 'warm-up', startTimeUnixNano: start, endTimeUnixNano: start }] }] }] };
}

// --- realistic agent traffic ---------------------------------------------------------------

const QUESTIONS = [
  'Find the three cheapest flights from Lisbon to Berlin next Tuesday and summarise baggage rules.',
  'What were the main causes of the 2023 outage in the payments service? Cite the incident reports.',
  'Refactor the billing module so invoices are generated per tenant; list the files you would change.',
  'Summarise the customer complaints from last week and group them by product area.',
];
const TOOLS = ['search_flights', 'web_search', 'read_file', 'sql_query', 'send_email'];

function attr(key: string, value: string | number | boolean | string[]): JsonKeyValue {
  if (Array.isArray(value)) return { key, value: { arrayValue: { values: value.map((item) => ({ stringValue: item })) } } };
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } };
}

/** One request: 8 agent runs of 64 spans (an agent root, then LLM call / tool call pairs). */
export function makeBatch(batchIndex: number): JsonTraceRequest {
  const spans: JsonSpan[] = [];
  const base = 1_700_000_000_000_000_000n + BigInt(batchIndex) * 60_000_000_000n;
  for (let run = 0; run < SPANS_PER_BATCH / 64; run++) {
    const traceId = freshId(16);
    const rootId = freshId(8);
    const runStart = base + BigInt(run) * 1_000_000_000n;
    const question = QUESTIONS[(batchIndex + run) % QUESTIONS.length]!;
    spans.push({
      traceId,
      spanId: rootId,
      name: 'invoke_agent travel-planner',
      kind: 1,
      startTimeUnixNano: runStart.toString(),
      endTimeUnixNano: (runStart + 30_000_000_000n).toString(),
      attributes: [
        attr('gen_ai.operation.name', 'invoke_agent'),
        attr('gen_ai.agent.name', 'travel-planner'),
        attr('gen_ai.conversation.id', `conv-${batchIndex}-${run}`),
        attr('input.value', question),
      ],
      status: { code: 1 },
    });
    for (let step = 0; step < 63; step++) {
      const start = runStart + BigInt(step) * 400_000_000n;
      const end = start + 350_000_000n;
      const tool = TOOLS[(step + run) % TOOLS.length]!;
      if (step % 2 === 0) {
        spans.push({
          traceId,
          spanId: freshId(8),
          parentSpanId: rootId,
          name: 'chat gpt-4o',
          kind: 3,
          startTimeUnixNano: start.toString(),
          endTimeUnixNano: end.toString(),
          attributes: [
            attr('gen_ai.operation.name', 'chat'),
            attr('gen_ai.system', 'openai'),
            attr('gen_ai.request.model', 'gpt-4o'),
            attr('gen_ai.response.model', 'gpt-4o-2024-08-06'),
            attr('gen_ai.usage.input_tokens', 1200 + step * 31),
            attr('gen_ai.usage.output_tokens', 80 + step),
            attr('gen_ai.response.finish_reasons', ['tool_calls']),
            attr(
              'gen_ai.input.messages',
              JSON.stringify([
                { role: 'system', parts: [{ type: 'text', content: 'You are a careful travel planning assistant. Use tools.' }] },
                { role: 'user', parts: [{ type: 'text', content: question }] },
              ]),
            ),
            attr(
              'gen_ai.output.messages',
              JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: `call_${step}`, name: tool, arguments: { query: 'LIS BER', date: '2026-12-01' } }], finish_reason: 'tool_call' }]),
            ),
            attr('gen_ai.request.temperature', 0.2),
          ],
        });
      } else {
        spans.push({
          traceId,
          spanId: freshId(8),
          parentSpanId: rootId,
          name: `execute_tool ${tool}`,
          kind: 1,
          startTimeUnixNano: start.toString(),
          endTimeUnixNano: end.toString(),
          attributes: [
            attr('gen_ai.operation.name', 'execute_tool'),
            attr('gen_ai.tool.name', tool),
            attr('gen_ai.tool.call.id', `call_${step - 1}`),
            attr('gen_ai.tool.call.arguments', JSON.stringify({ query: 'flights Lisbon Berlin', date: '2026-12-01', maxResults: 3, page: step })),
            attr(
              'gen_ai.tool.call.result',
              JSON.stringify({
                results: [
                  { carrier: 'TAP', price: 89.99, departs: '07:10', arrives: '11:35', baggage: '1 cabin bag 8kg' },
                  { carrier: 'Lufthansa', price: 112.5, departs: '12:40', arrives: '17:05', baggage: '1 cabin bag 8kg, 1 checked 23kg' },
                  { carrier: 'easyJet', price: 64.0, departs: '19:55', arrives: '00:20', baggage: 'small under-seat bag only' },
                ],
              }),
            ),
          ],
          events: step % 9 === 1 ? [{ timeUnixNano: end.toString(), name: 'exception', attributes: [attr('exception.message', 'upstream timeout, retried')] }] : undefined,
        });
      }
    }
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'travel-agent'), attr('service.version', '1.4.2'), attr('telemetry.sdk.language', 'nodejs')] },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-genai', version: '0.5.0' }, spans }],
      },
    ],
  };
}
