import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../cli/service.js';
import { configSchema } from '../config/schema.js';
import type { ApiSpan, Run } from '../model/api.js';
import { runWeatherAgent } from './dialects/weather-agent.js';

/**
 * End to end: the real Vercel AI SDK's spans, exported by the real OTLP/protobuf exporter to a
 * real tracehound (port 0, temp database), read back through the JSON API normalised.
 */
describe('normalisation end to end', () => {
  let dir: string;
  let service: RunningService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracehound-normalize-'));
    service = await startService(
      configSchema.parse({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: join(dir, 'test.db') },
        logging: { level: 'silent' },
        analyzer: { enabled: false },
        reports: { enabled: false, dir: join(dir, 'reports') },
      }),
    );
  });
  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a Vercel AI SDK run with its agent, LLM calls, tool call and per-call token totals', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'weather-service' }),
      spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(new OTLPTraceExporter({ url: `${service.url}/v1/traces` }))],
    });
    provider.register(); // the async-hooks context manager links the SDK's spans into one trace
    await runWeatherAgent(provider.getTracer('ai'));
    await provider.forceFlush();
    const traceId = memory.getFinishedSpans()[0]!.spanContext().traceId;
    await provider.shutdown();

    const response = await fetch(`${service.url}/api/runs/${traceId}`);
    expect(response.status).toBe(200);
    const { run, spans } = (await response.json()) as { run: Run; spans: ApiSpan[] };

    expect(run).toMatchObject({
      traceId,
      service: 'weather-service',
      agent: 'my-agent',
      name: 'ai.generateText',
      spanCount: 4,
      llmCallCount: 2,
      toolCallCount: 1,
      // 50 + 80 from the two provider calls; the root's aggregate 130 is not added again.
      inputTokens: 130,
      outputTokens: 22,
    });

    const root = spans.find((s) => s.parentSpanId === null)!;
    expect(root.kind).toBe('agent');
    expect(root.llm).toBeUndefined();

    const tool = spans.find((s) => s.kind === 'tool')!;
    expect(tool.tool).toEqual({ name: 'weather', arguments: '{"city":"Paris"}', result: '{"city":"Paris","temperatureC":22}' });

    const llmCalls = spans.filter((s) => s.kind === 'llm').sort((a, b) => a.startTime.localeCompare(b.startTime));
    expect(llmCalls.map((s) => s.llm)).toEqual([
      expect.objectContaining({ model: 'mock-model-1', inputTokens: 50, outputTokens: 10, finishReason: 'tool_call' }),
      expect.objectContaining({ model: 'mock-model-1', inputTokens: 80, outputTokens: 12, finishReason: 'stop' }),
    ]);
  });
});
