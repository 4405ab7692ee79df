import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ApiSpan, Run } from '../../model/api.js';
import { startTestService, type TestService } from './support/test-service.js';

/**
 * The real OpenTelemetry JS exporters (http/protobuf and http/json) send through the real
 * endpoint; what they sent must read back through the JSON API.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

const START_MS = 1_700_000_000_123;

async function metricValue(name: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

async function sendAgentRun(exporter: SpanExporter, service: string): Promise<{ traceId: string; rootId: string; toolId: string }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('tracehound-test', '1.2.3');
  const root = tracer.startSpan('agent run', { kind: SpanKind.SERVER, startTime: START_MS, attributes: { 'gen_ai.agent.name': 'planner' } });
  const parent = trace.setSpan(context.active(), root);
  const tool = tracer.startSpan(
    'execute_tool search',
    {
      kind: SpanKind.INTERNAL,
      startTime: START_MS + 10,
      attributes: {
        'text.value': 'héllo "world" <b>',
        'int.value': 42,
        'negative.value': -7,
        'double.value': 2.5,
        'bool.value': true,
        'strings.value': ['a', 'b'],
        'numbers.value': [1, 2, 3],
        'bools.value': [true, false],
      },
    },
    parent,
  );
  tool.addEvent('exception', { 'exception.message': 'boom', 'exception.type': 'Error' }, START_MS + 20);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'search failed' });
  tool.end(START_MS + 30);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(START_MS + 100);
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, toolId: tool.spanContext().spanId };
}

async function readRun(traceId: string): Promise<{ run: Run; spans: ApiSpan[] }> {
  const response = await fetch(`${service.url}/api/runs/${traceId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { run: Run; spans: ApiSpan[] };
}

const exporters: [string, (url: string) => SpanExporter][] = [
  ['http/protobuf', (url) => new ProtoExporter({ url })],
  ['http/protobuf with gzip', (url) => new ProtoExporter({ url, compression: 'gzip' as never })],
  ['http/json', (url) => new JsonExporter({ url })],
  ['http/json with gzip', (url) => new JsonExporter({ url, compression: 'gzip' as never })],
];

describe('ingest through the OpenTelemetry JS exporters', () => {
  for (const [protocol, makeExporter] of exporters) {
    it(`stores a two-span agent run sent over ${protocol} exactly as sent`, async () => {
      const serviceName = `agent-${protocol.replace(/\W+/g, '-')}`;
      const { traceId, rootId, toolId } = await sendAgentRun(makeExporter(`${service.url}/v1/traces`), serviceName);

      const list = (await (await fetch(`${service.url}/api/runs?service=${serviceName}`)).json()) as { runs: Run[] };
      expect(list.runs.map((run) => run.traceId)).toEqual([traceId]);

      const { run, spans } = await readRun(traceId);
      expect(run).toMatchObject({ traceId, service: serviceName, name: 'agent run', spanCount: 2, errorCount: 1, status: 'ok', durationMs: 100 });
      expect(run.startTime).toBe(new Date(START_MS).toISOString());

      const root = spans.find((span) => span.spanId === rootId)!;
      expect(root).toMatchObject({ parentSpanId: null, name: 'agent run', status: 'ok', durationMs: 100 });
      const tool = spans.find((span) => span.spanId === toolId)!;
      expect(tool).toMatchObject({
        parentSpanId: rootId,
        name: 'execute_tool search',
        status: 'error',
        statusMessage: 'search failed',
        startTime: new Date(START_MS + 10).toISOString(),
        durationMs: 20,
      });
      expect(tool.attributes).toMatchObject({
        'text.value': 'héllo "world" <b>',
        'int.value': 42,
        'negative.value': -7,
        'double.value': 2.5,
        'bool.value': true,
        'strings.value': ['a', 'b'],
        'numbers.value': [1, 2, 3],
        'bools.value': [true, false],
      });
      expect(tool.events).toEqual([
        { name: 'exception', time: new Date(START_MS + 20).toISOString(), attributes: { 'exception.message': 'boom', 'exception.type': 'Error' } },
      ]);
    });
  }

  it('stores nothing twice when the same spans are exported again', async () => {
    const exporter = new ProtoExporter({ url: `${service.url}/v1/traces` });
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'retrying-agent' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('t').startSpan('once', { startTime: START_MS });
    span.end(START_MS + 5);
    await provider.forceFlush();
    // Export the very same ended span (a ReadableSpan) again, as an exporter retry would.
    const again = new ProtoExporter({ url: `${service.url}/v1/traces` });
    const result = await new Promise<{ code: number }>((resolve) => again.export([span as unknown as ReadableSpan], resolve));
    expect(result.code).toBe(0);
    expect(await metricValue('tracehound_spans_duplicate_total')).toBeGreaterThanOrEqual(1);
    const { run, spans } = await readRun(span.spanContext().traceId);
    expect(run.spanCount).toBe(1);
    expect(spans).toHaveLength(1);
    await provider.shutdown();
    await again.shutdown();
  });
});
