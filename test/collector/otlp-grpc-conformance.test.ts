import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ApiSpan, Run } from '../../model/api.js';
import { encodeProtobuf, jsonRequest, jsonSpan, type JsonAnyValue, type JsonSpan } from './support/otlp-payloads.js';
import { startTestService, type TestService } from './support/test-service.js';
import { TRACE_EXPORT, grpcExport, grpcFrame, rawGrpcCall } from './support/grpc-client.js';

/**
 * The OTLP/HTTP conformance cases (otlp-conformance.test.ts) over OTLP/gRPC, plus every bad
 * input hand-built at the gRPC framing level: each gets its gRPC status, nothing of it is
 * stored, and the server keeps serving.
 */
let service: TestService;
const MAX_BODY_BYTES = 256 * 1024;
const OK = 0;
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

beforeAll(async () => {
  service = await startTestService({
    collector: { maxBodyBytes: MAX_BODY_BYTES, maxAttributeCount: 10, maxAttributeValueBytes: 1024, maxNestingDepth: 4 },
  });
});
afterAll(async () => {
  await service.stop();
});

function spanCount(): number {
  return (service.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
}

async function readRun(traceId: string): Promise<{ run: Run; spans: ApiSpan[] } | null> {
  const response = await fetch(`${service.url}/api/runs/${traceId}`);
  return response.status === 404 ? null : ((await response.json()) as { run: Run; spans: ApiSpan[] });
}

function exportSpans(spans: JsonSpan[], options: { gzip?: boolean } = {}) {
  return grpcExport(service.grpcPort!, TRACE_EXPORT, encodeProtobuf(jsonRequest(spans)), options);
}

function decodePartialSuccess(body: Buffer): { rejected: bigint; message: string } | null {
  if (body.length === 0) return null;
  const outer = new BinaryReader(body);
  outer.tag();
  const inner = new BinaryReader(outer.bytes());
  const result = { rejected: 0n, message: '' };
  while (inner.pos < inner.len) {
    const [field] = inner.tag();
    if (field === 1) result.rejected = BigInt(inner.int64());
    else result.message = inner.string();
  }
  return result;
}

/** After every bad input: the server is alive and still stores a good request. */
async function expectStillServing(): Promise<void> {
  const span = jsonSpan({ name: 'still-serving' });
  expect((await exportSpans([span])).code).toBe(OK);
  expect((await readRun(span.traceId))?.spans).toHaveLength(1);
}

describe('OTLP/gRPC TraceService/Export', () => {
  it('listens on its own port, beside the HTTP one', () => {
    expect(service.grpcPort).toBeGreaterThan(0);
    expect(service.grpcPort).not.toBe(service.port);
  });

  it('answers an empty request with OK and an empty ExportTraceServiceResponse', async () => {
    const reply = await grpcExport(service.grpcPort!, TRACE_EXPORT, new Uint8Array(0));
    expect([reply.code, reply.response?.length]).toEqual([OK, 0]);
  });

  it('stores the spans it acknowledges, read back through the API', async () => {
    const root = jsonSpan({ name: 'invoke_agent planner', attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }] });
    const child = jsonSpan({ traceId: root.traceId, parentSpanId: root.spanId, name: 'execute_tool search', attributes: [{ key: 'gen_ai.tool.name', value: { stringValue: 'search' } }] });
    const reply = await exportSpans([root, child]);
    expect(reply.code).toBe(OK);
    const run = await readRun(root.traceId);
    expect(run?.spans.map((span) => span.name).sort()).toEqual(['execute_tool search', 'invoke_agent planner']);
  });

  it('accepts a gzip-compressed message (grpc-encoding: gzip)', async () => {
    const span = jsonSpan({ name: 'gzipped' });
    expect((await exportSpans([span], { gzip: true })).code).toBe(OK);
    expect((await readRun(span.traceId))?.spans[0]?.name).toBe('gzipped');
  });

  it('stores nothing twice when an identical request is retried', async () => {
    const span = jsonSpan();
    await exportSpans([span]);
    await exportSpans([span]);
    expect((service.db.prepare('SELECT COUNT(*) AS n FROM spans WHERE trace_id = ?').get(span.traceId) as { n: number }).n).toBe(1);
  });

  it('stores the valid spans and reports the rejected ones in partial_success', async () => {
    let deep: JsonAnyValue = { stringValue: 'x' };
    for (let i = 0; i < 6; i++) deep = { arrayValue: { values: [deep] } };
    const good = jsonSpan({ name: 'good' });
    const bad = [
      jsonSpan({ traceId: 'abcd' }),
      jsonSpan({ spanId: '0'.repeat(16) }),
      jsonSpan({ attributes: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } })) }),
      jsonSpan({ attributes: [{ key: 'prompt', value: { stringValue: 'p'.repeat(2000) } }] }),
      jsonSpan({ attributes: [{ key: 'deep', value: deep }] }),
    ];
    const reply = await exportSpans([good, ...bad]);
    expect(reply.code).toBe(OK);
    const partial = decodePartialSuccess(reply.response!);
    expect(partial?.rejected).toBe(5n);
    expect(partial?.message).toMatch(/^rejected 5 of 6 spans: /);
    expect((await readRun(good.traceId))?.spans).toHaveLength(1);
    for (const span of bad.slice(1)) expect(await readRun(span.traceId)).toBeNull();
  });
});

describe('OTLP/gRPC bad input: the right status, nothing stored, the process keeps serving', () => {
  it('answers a truncated protobuf message with INVALID_ARGUMENT', async () => {
    const body = encodeProtobuf(jsonRequest([jsonSpan(), jsonSpan()]));
    const before = spanCount();
    const reply = await grpcExport(service.grpcPort!, TRACE_EXPORT, body.subarray(0, body.length - 3));
    expect(reply.code).toBe(INVALID_ARGUMENT);
    expect(reply.details).toMatch(/^invalid protobuf at byte \d+: /);
    expect(spanCount()).toBe(before);
    await expectStillServing();
  });

  it('answers a known field with the wrong wire type with INVALID_ARGUMENT', async () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork().tag(2, WireType.Varint).uint32(1).join();
    const reply = await grpcExport(service.grpcPort!, TRACE_EXPORT, w.finish());
    expect([reply.code, reply.details]).toEqual([INVALID_ARGUMENT, expect.stringMatching(/ResourceSpans field 2 has wire type 0/)]);
  });

  it('answers random bytes with INVALID_ARGUMENT', async () => {
    const reply = await grpcExport(service.grpcPort!, TRACE_EXPORT, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]));
    expect(reply.code).toBe(INVALID_ARGUMENT);
    await expectStillServing();
  });

  it('answers a message over collector.maxBodyBytes with RESOURCE_EXHAUSTED, without RetryInfo', async () => {
    const before = spanCount();
    const big = jsonSpan({ attributes: [{ key: 'x', value: { stringValue: 'a'.repeat(MAX_BODY_BYTES) } }] });
    const reply = await exportSpans([big]);
    expect([reply.code, reply.retryDelaySeconds]).toEqual([RESOURCE_EXHAUSTED, null]);
    expect(spanCount()).toBe(before);
    await expectStillServing();
  });

  it('answers a gzip bomb (small as sent, huge inflated) with RESOURCE_EXHAUSTED', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const reply = await rawGrpcCall(service.grpcPort!, TRACE_EXPORT, grpcFrame(bomb, true), { 'grpc-encoding': 'gzip' });
    expect(reply.grpcStatus).toBe(RESOURCE_EXHAUSTED);
    await expectStillServing();
  });

  it('answers corrupt gzip data with INTERNAL (grpc-js), storing nothing', async () => {
    const before = spanCount();
    const reply = await rawGrpcCall(service.grpcPort!, TRACE_EXPORT, grpcFrame(Buffer.from('definitely not gzip'), true), { 'grpc-encoding': 'gzip' });
    expect(reply.grpcStatus).toBe(INTERNAL);
    expect(spanCount()).toBe(before);
    await expectStillServing();
  });

  it('answers a message compressed with an unsupported grpc-encoding with UNIMPLEMENTED', async () => {
    const body = encodeProtobuf(jsonRequest([jsonSpan()]));
    const reply = await rawGrpcCall(service.grpcPort!, TRACE_EXPORT, grpcFrame(body, true), { 'grpc-encoding': 'zstd' });
    expect(reply.grpcStatus).toBe(UNIMPLEMENTED);
    await expectStillServing();
  });

  it('answers a truncated stream (frame cut short, then end of stream) with INVALID_ARGUMENT', async () => {
    const before = spanCount();
    const body = Buffer.from(encodeProtobuf(jsonRequest([jsonSpan()])));
    const cut = grpcFrame(body, false, body.length).subarray(0, 5 + Math.floor(body.length / 2));
    const reply = await rawGrpcCall(service.grpcPort!, TRACE_EXPORT, cut);
    expect(reply).toEqual({ grpcStatus: INVALID_ARGUMENT, grpcMessage: 'no complete request message was received (truncated stream?)' });
    expect(spanCount()).toBe(before);
    await expectStillServing();
  });

  it('answers two messages on one unary call with INVALID_ARGUMENT, storing neither', async () => {
    const first = jsonSpan();
    const second = jsonSpan();
    const data = Buffer.concat([grpcFrame(encodeProtobuf(jsonRequest([first]))), grpcFrame(encodeProtobuf(jsonRequest([second])))]);
    const reply = await rawGrpcCall(service.grpcPort!, TRACE_EXPORT, data);
    expect(reply.grpcStatus).toBe(INVALID_ARGUMENT);
    expect(await readRun(first.traceId)).toBeNull();
    expect(await readRun(second.traceId)).toBeNull();
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const reply = await rawGrpcCall(service.grpcPort!, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', grpcFrame(Buffer.alloc(0)));
    expect(reply.grpcStatus).toBe(UNIMPLEMENTED);
  });
});

describe('OTLP/gRPC when it cannot take more', () => {
  it('answers UNAVAILABLE with RetryInfo when storing fails, storing nothing', async () => {
    const broken = await startTestService({ collector: { retryAfterSeconds: 7 } });
    try {
      broken.db.exec('DROP TABLE runs');
      const reply = await grpcExport(broken.grpcPort!, TRACE_EXPORT, encodeProtobuf(jsonRequest([jsonSpan()])));
      expect([reply.code, reply.details]).toEqual([UNAVAILABLE, 'storing the spans failed; retry later']);
      expect(reply.retryDelaySeconds).toBeGreaterThanOrEqual(7);
      expect(reply.retryDelaySeconds).toBeLessThanOrEqual(14);
      expect((broken.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n).toBe(0);
    } finally {
      await broken.stop();
    }
  });
});

describe('OTLP/gRPC ingest keys in metadata', () => {
  it('takes authorization: Bearer KEY or x-api-key, and refuses anything else with UNAUTHENTICATED', async () => {
    const locked = await startTestService({ auth: { ingestKeys: ['grpc-ingest-key-000001'] } });
    try {
      const body = () => encodeProtobuf(jsonRequest([jsonSpan()]));
      expect((await grpcExport(locked.grpcPort!, TRACE_EXPORT, body())).code).toBe(UNAUTHENTICATED);
      expect((await grpcExport(locked.grpcPort!, TRACE_EXPORT, body(), { metadata: { authorization: 'Bearer wrong' } })).code).toBe(UNAUTHENTICATED);
      expect((await grpcExport(locked.grpcPort!, TRACE_EXPORT, body(), { metadata: { authorization: 'Bearer grpc-ingest-key-000001' } })).code).toBe(OK);
      expect((await grpcExport(locked.grpcPort!, TRACE_EXPORT, body(), { metadata: { 'x-api-key': 'grpc-ingest-key-000001' } })).code).toBe(OK);
      expect((locked.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n).toBe(2);
    } finally {
      await locked.stop();
    }
  });
});

describe('the real @opentelemetry/exporter-trace-otlp-grpc', () => {
  for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
    it(`delivers an agent run (compression ${compression}) that reads back through the API`, async () => {
      const exporter = new GrpcExporter({ url: `http://127.0.0.1:${service.grpcPort}`, compression });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'grpc-agent' }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('grpc-test');
      const root = tracer.startSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
      const tool = tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.arguments': '{"q":"x"}' } }, trace.setSpan(context.active(), root));
      tool.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      tool.end();
      root.end();
      await provider.forceFlush();
      await provider.shutdown();
      const traceId = root.spanContext().traceId;
      const run = await readRun(traceId);
      expect(run?.run).toMatchObject({ service: 'grpc-agent', agent: 'planner' });
      const stored = run?.spans.find((span) => span.name === 'execute_tool search');
      expect(stored).toMatchObject({ status: 'error', statusMessage: 'boom', tool: { name: 'search', arguments: '{"q":"x"}' } });
    });
  }
});

describe('OTLP/gRPC graceful stop', () => {
  it('stops with the service: the port no longer answers', async () => {
    const short = await startTestService();
    const port = short.grpcPort!;
    expect((await grpcExport(port, TRACE_EXPORT, encodeProtobuf(jsonRequest([jsonSpan()])))).code).toBe(OK);
    await short.stop();
    const after = await grpcExport(port, TRACE_EXPORT, encodeProtobuf(jsonRequest([jsonSpan()])));
    expect(after.code).toBe(UNAVAILABLE);
  });
});
