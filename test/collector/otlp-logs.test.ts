import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as HttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import type { ApiSpan, ApiSpanDetail, Run } from '../../model/api.js';
import { encodeJson, encodeProtobuf, freshId, jsonRequest, jsonSpan, type JsonKeyValue } from './support/otlp-payloads.js';
import { startTestService, type TestService } from './support/test-service.js';
import { LOGS_EXPORT, grpcExport } from './support/grpc-client.js';
import { decodeRpcStatus } from '../support/rpc-status.js';

/**
 * OTLP logs over HTTP (JSON, protobuf, gzip) and gRPC, and GenAI content events joined into
 * their span whichever arrives first, with the real OpenTelemetry logs exporters as senders.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ collector: { maxAttributeValueBytes: 4096 } });
});
afterAll(async () => {
  await service.stop();
});

const JSON_TYPE = { 'Content-Type': 'application/json' };
const NOW_NS = BigInt(Date.now()) * 1_000_000n;

interface JsonLogRecord {
  timeUnixNano?: string;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  severityNumber?: number;
  body?: unknown;
  attributes?: JsonKeyValue[];
}

function logsRequest(records: JsonLogRecord[]) {
  return { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'log-agent' } }] }, scopeLogs: [{ scope: { name: 'test' }, logRecords: records }] }] };
}

async function postLogs(records: JsonLogRecord[]): Promise<Response> {
  return fetch(`${service.url}/v1/logs`, { method: 'POST', body: JSON.stringify(logsRequest(records)), headers: JSON_TYPE });
}

/** A chat span of the OpenAI instrumentation's shape: no content on the span itself. */
function chatSpan(traceId = freshId(16), spanId = freshId(8)) {
  return jsonSpan({
    traceId,
    spanId,
    name: 'chat gpt-4o-mini',
    kind: 3,
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.system', value: { stringValue: 'openai' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
    ],
  });
}

function kv(value: Record<string, unknown>): unknown {
  const toAny = (v: unknown): unknown => {
    if (typeof v === 'string') return { stringValue: v };
    if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
    if (Array.isArray(v)) return { arrayValue: { values: v.map(toAny) } };
    if (v !== null && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([key, inner]) => ({ key, value: toAny(inner) })) } };
    return {};
  };
  return toAny(value);
}

const eventName = (name: string): JsonKeyValue => ({ key: 'event.name', value: { stringValue: name } });

function storedLlm(traceId: string, spanId: string): { outputText: string | null; finishReason: string | null; toolCallNames: string[] } | null {
  const row = service.db.prepare('SELECT llm FROM spans WHERE trace_id = ? AND span_id = ?').get(traceId, spanId) as { llm: string | null } | undefined;
  return row?.llm ? JSON.parse(row.llm) : null;
}

async function readRun(traceId: string): Promise<{ run: Run; spans: ApiSpan[] } | null> {
  const response = await fetch(`${service.url}/api/runs/${traceId}`);
  return response.status === 404 ? null : ((await response.json()) as { run: Run; spans: ApiSpan[] });
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /v1/logs', () => {
  it('stores log records and answers with an empty ExportLogsServiceResponse', async () => {
    const reply = await postLogs([{ timeUnixNano: String(NOW_NS), severityNumber: 9, body: { stringValue: 'hello' } }]);
    expect([reply.status, await reply.text()]).toEqual([200, '{}']);
  });

  it('reports rejected records as rejectedLogRecords and stores the rest', async () => {
    const traceId = freshId(16);
    const reply = await postLogs([
      { traceId, spanId: freshId(8), body: { stringValue: 'kept' } },
      { traceId: 'abcd', body: { stringValue: 'bad trace id' } },
      { spanId: freshId(8), body: { stringValue: 'span id without a trace id' } },
    ]);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: expect.stringMatching(/^rejected 2 of 3 log records: /) } });
    expect((service.db.prepare('SELECT COUNT(*) AS n FROM log_records WHERE trace_id = ?').get(traceId) as { n: number }).n).toBe(1);
  });

  it('answers undecodable logs with 400 (HTTP) and INVALID_ARGUMENT (gRPC), storing nothing', async () => {
    const before = (service.db.prepare('SELECT COUNT(*) AS n FROM log_records').get() as { n: number }).n;
    const bad = await fetch(`${service.url}/v1/logs`, { method: 'POST', body: '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}', headers: JSON_TYPE });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got "soon"');
    const truncated = await fetch(`${service.url}/v1/logs`, { method: 'POST', body: Buffer.from([0x0a, 0x10, 0x12]), headers: { 'Content-Type': 'application/x-protobuf' } });
    expect([truncated.status, decodeRpcStatus(Buffer.from(await truncated.arrayBuffer())).code]).toEqual([400, 3]);
    const grpc = await grpcExport(service.grpcPort!, LOGS_EXPORT, Buffer.from([0x0a, 0x10, 0x12]));
    expect(grpc.code).toBe(3);
    expect((service.db.prepare('SELECT COUNT(*) AS n FROM log_records').get() as { n: number }).n).toBe(before);
  });

  it('accepts a gzip body', async () => {
    const traceId = freshId(16);
    const reply = await fetch(`${service.url}/v1/logs`, {
      method: 'POST',
      body: gzipSync(JSON.stringify(logsRequest([{ traceId, spanId: freshId(8), body: { stringValue: 'zipped' } }]))),
      headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    });
    expect(reply.status).toBe(200);
    expect((service.db.prepare('SELECT body FROM log_records WHERE trace_id = ?').get(traceId) as { body: string }).body).toBe('"zipped"');
  });
});

describe('GenAI content events join their span, whichever arrives first', () => {
  it('log first: per-message events wait for the span, then feed its model call (answer, finish reason)', async () => {
    const span = chatSpan();
    const reply = await postLogs([
      { traceId: span.traceId, spanId: span.spanId, timeUnixNano: String(NOW_NS), attributes: [eventName('gen_ai.user.message')], body: kv({ content: 'Summarise the report' }) },
      {
        traceId: span.traceId,
        spanId: span.spanId,
        timeUnixNano: String(NOW_NS + 1n),
        attributes: [eventName('gen_ai.choice')],
        body: kv({ index: 0, finish_reason: 'length', message: { content: 'The report says that the' } }),
      },
    ]);
    expect(reply.status).toBe(200);
    expect(storedLlm(span.traceId, span.spanId)).toBeNull();
    const spanReply = await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: JSON_TYPE });
    expect(spanReply.status).toBe(200);
    const llm = await eventually(() => storedLlm(span.traceId, span.spanId), (value) => value?.outputText !== null);
    expect(llm).toMatchObject({ outputText: 'The report says that the', finishReason: 'length' });
    const run = await readRun(span.traceId);
    const apiSpan = run?.spans.find((candidate) => candidate.spanId === span.spanId);
    expect(JSON.parse(apiSpan?.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Summarise the report' }] }]);
    expect(apiSpan?.llm?.finishReason).toBe('length');
    expect(run?.run.analyzed).toBe(false);
  });

  it('span first: the current operation.details event (event_name field) fills the stored span, tool calls included', async () => {
    const span = chatSpan();
    await fetch(`${service.url}/v1/traces`, { method: 'POST', body: Buffer.from(encodeProtobuf(jsonRequest([span]))), headers: { 'Content-Type': 'application/x-protobuf' } });
    const output = [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'search', arguments: { q: 'x' } }], finish_reason: 'tool_call' }];
    const reply = await postLogs([
      {
        traceId: span.traceId,
        spanId: span.spanId,
        eventName: 'gen_ai.client.inference.operation.details',
        attributes: [{ key: 'gen_ai.output.messages', value: { stringValue: JSON.stringify(output) } }],
      },
    ]);
    expect(reply.status).toBe(200);
    expect(storedLlm(span.traceId, span.spanId)).toMatchObject({ toolCallNames: ['search'], outputText: '' });
  });

  it('reads the same events sent as span events', async () => {
    const span = chatSpan();
    const withEvents = {
      ...span,
      events: [
        { timeUnixNano: String(NOW_NS), name: 'gen_ai.user.message', attributes: [{ key: 'content', value: { stringValue: 'hi' } }] },
        {
          timeUnixNano: String(NOW_NS + 1n),
          name: 'gen_ai.choice',
          attributes: [
            { key: 'finish_reason', value: { stringValue: 'stop' } },
            { key: 'message', value: kv({ content: 'Hello!' }) as never },
          ],
        },
      ],
    };
    await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([withEvents])), headers: JSON_TYPE });
    expect(storedLlm(span.traceId, span.spanId)).toMatchObject({ outputText: 'Hello!', finishReason: 'stop' });
  });
});

describe('the real OpenTelemetry logs exporters', () => {
  const exporters: [string, () => LogRecordExporter][] = [
    ['exporter-logs-otlp-http (JSON)', () => new HttpJsonLogExporter({ url: `${service.url}/v1/logs` })],
    ['exporter-logs-otlp-proto', () => new ProtoLogExporter({ url: `${service.url}/v1/logs` })],
    ['exporter-logs-otlp-grpc', () => new GrpcLogExporter({ url: `http://127.0.0.1:${service.grpcPort}` })],
  ];
  for (const [name, makeExporter] of exporters) {
    it(`${name}: a GenAI choice event joins its span, a plain log line stays beside it`, async () => {
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'sdk-logs-agent' }),
        processors: [new SimpleLogRecordProcessor({ exporter: makeExporter() })],
      });
      const span = chatSpan();
      const spanContext = trace.setSpanContext(context.active(), { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED });
      const logger = provider.getLogger('sdk-test');
      logger.emit({ context: spanContext, severityNumber: SeverityNumber.INFO, body: 'calling the model', attributes: { step: 1 } });
      logger.emit({
        context: spanContext,
        eventName: 'gen_ai.choice',
        severityNumber: SeverityNumber.INFO,
        body: { index: 0, finish_reason: 'stop', message: { content: `answer via ${name}` } },
      });
      await provider.forceFlush();
      await provider.shutdown();
      const rows = service.db.prepare('SELECT event_name, genai FROM log_records WHERE trace_id = ? ORDER BY id').all(span.traceId);
      expect(rows).toEqual([
        { event_name: '', genai: 0 },
        { event_name: 'gen_ai.choice', genai: 1 },
      ]);
      await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: JSON_TYPE });
      const llm = await eventually(() => storedLlm(span.traceId, span.spanId), (value) => value?.outputText !== null);
      expect(llm).toMatchObject({ outputText: `answer via ${name}`, finishReason: 'stop' });
    });
  }
});

describe('GET /api/runs/:traceId/spans/:spanId: the span with its other log records', () => {
  it('serves the log records a real exporter sent, redacted, bounded, in time order, with the count of the rest; content events stay in the span', async () => {
    const span = chatSpan();
    await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: JSON_TYPE });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk-logs-agent' }),
      processors: [new BatchLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${service.url}/v1/logs` }), maxExportBatchSize: 64, scheduledDelayMillis: 10 })],
    });
    const spanContext = trace.setSpanContext(context.active(), { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED });
    const logger = provider.getLogger('panel-test');
    const baseMs = Date.now();
    const manyAttributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`attr.${String(i).padStart(2, '0')}`, i]));
    logger.emit({ context: spanContext, timestamp: baseMs, severityNumber: SeverityNumber.WARN, severityText: 'WARNING', body: 'mail ops@example.com about <b>it</b>', attributes: { 'user.password': 'hunter2' } });
    logger.emit({ context: spanContext, timestamp: baseMs + 1, severityNumber: SeverityNumber.ERROR, body: 'x'.repeat(4090), attributes: manyAttributes });
    logger.emit({ context: spanContext, timestamp: baseMs + 2, eventName: 'gen_ai.choice', body: { index: 0, finish_reason: 'stop', message: { content: 'joined, not listed' } } });
    for (let i = 0; i < 110; i++) logger.emit({ context: spanContext, timestamp: baseMs + 10 + i, severityNumber: SeverityNumber.DEBUG, body: `step ${i}` });
    await provider.forceFlush();
    await provider.shutdown();

    const reply = await fetch(`${service.url}/api/runs/${span.traceId}/spans/${span.spanId}`);
    expect(reply.status).toBe(200);
    const detail = (await reply.json()) as ApiSpanDetail;
    expect(detail.span).toMatchObject({ spanId: span.spanId, name: 'chat gpt-4o-mini' });
    expect(detail.logs).toHaveLength(100);
    expect(detail.moreLogs).toBe(12);
    const [first, second, third] = detail.logs;
    expect(first).toEqual({
      time: new Date(baseMs).toISOString(),
      severity: 'WARNING',
      severityNumber: SeverityNumber.WARN,
      eventName: '',
      body: 'mail [REDACTED:email] about <b>it</b>',
      attributes: { 'user.password': '[REDACTED:attribute]', 'tracehound.redacted': ['attribute', 'email'] },
      truncated: false,
    });
    expect(second).toMatchObject({ severity: 'ERROR', truncated: true });
    expect(second!.body).toHaveLength(4001);
    expect(Object.keys(second!.attributes)).toHaveLength(32);
    expect(third).toMatchObject({ severity: 'DEBUG', body: 'step 0' });
    expect(detail.logs.some((record) => record.eventName === 'gen_ai.choice')).toBe(false);
    const llm = await eventually(() => storedLlm(span.traceId, span.spanId), (value) => value?.outputText !== null);
    expect(llm?.outputText).toBe('joined, not listed');

    expect((await fetch(`${service.url}/api/runs/${span.traceId}/spans/${'f'.repeat(16)}`)).status).toBe(404);
    expect((await fetch(`${service.url}/api/runs/${span.traceId}/spans/nothex`)).status).toBe(400);
  });
});
