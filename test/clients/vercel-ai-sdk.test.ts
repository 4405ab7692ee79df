import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectorsOf, startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * The real Vercel AI SDK (ai@6, `experimental_telemetry`) with its mock language model, exported
 * by the OpenTelemetry SDK over OTLP/HTTP to a real tracehound: an inventory agent that answers
 * normally, loops on the same lookup, or answers over a tool's error payload.
 */
let service: ClientTestService;
let provider: NodeTracerProvider;

beforeAll(async () => {
  service = await startClientTestService();
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'vercel-agents' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${service.url}/v1/traces` }))],
  });
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  await service.stop();
});

const USAGE = { inputTokens: { total: 60, noCache: 60, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 12, text: 12, reasoning: 0 } };

/** A model that asks for `lookup` `toolTurns` times (same SKU each time), then answers `text`. */
function scriptedModel(toolTurns: number, text: string) {
  let call = 0;
  return new MockLanguageModelV3({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    doGenerate: async () => {
      call++;
      if (call <= toolTurns) {
        return {
          content: [{ type: 'tool-call', toolCallId: `call-${call}`, toolName: 'lookup', input: '{"sku":"MUG-42"}' }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage: USAGE,
          warnings: [],
        };
      }
      return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] };
    },
  });
}

async function inventoryAgent(functionId: string, toolTurns: number, lookupResult: unknown, answer: string): Promise<string> {
  const result = await generateText({
    model: scriptedModel(toolTurns, answer),
    prompt: 'Is the MUG-42 mug in stock?',
    tools: {
      lookup: tool({
        description: 'Stock level of a SKU',
        inputSchema: jsonSchema<{ sku: string }>({ type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] }),
        execute: async () => lookupResult,
      }),
    },
    stopWhen: stepCountIs(toolTurns + 1),
    experimental_telemetry: { isEnabled: true, functionId },
  });
  await provider.forceFlush();
  return result.text;
}

describe('Vercel AI SDK to a real tracehound', () => {
  it('stores a normal run as one agent run with its LLM and tool calls, and flags nothing', async () => {
    expect(await inventoryAgent('inventory-normal', 1, { sku: 'MUG-42', inStock: 17 }, 'Yes, 17 in stock.')).toBe('Yes, 17 in stock.');
    await service.analyze();
    const [summary] = (await service.runs()).filter((run) => run.agent === 'inventory-normal');
    const detail = await service.run(summary!.traceId);
    expect(detail.run).toMatchObject({ service: 'vercel-agents', name: 'ai.generateText', llmCallCount: 2, toolCallCount: 1, inputTokens: 120, outputTokens: 24 });
    const tool = detail.spans.find((span) => span.kind === 'tool');
    expect(tool?.tool?.name).toBe('lookup');
    expect(JSON.parse(tool!.tool!.result!)).toEqual({ sku: 'MUG-42', inStock: 17 });
    expect(detail.flags).toEqual([]);
  });

  it('flags the same lookup five times in a row as a tool loop', async () => {
    await inventoryAgent('inventory-loop', 5, { sku: 'MUG-42', inStock: 17 }, 'Yes, it is in stock.');
    await service.analyze();
    const [summary] = (await service.runs()).filter((run) => run.agent === 'inventory-loop');
    const detail = await service.run(summary!.traceId);
    expect(detail.run.toolCallCount).toBe(5);
    expect(detectorsOf(detail)).toContain('tool_loop');
  });

  it('flags an answer given over a tool error payload as a silent failure', async () => {
    await inventoryAgent('inventory-swallowed', 1, { error: 'InventoryService unavailable: 503 Service Unavailable' }, 'Yes, it is in stock!');
    await service.analyze();
    const [summary] = (await service.runs()).filter((run) => run.agent === 'inventory-swallowed');
    const detail = await service.run(summary!.traceId);
    expect(detectorsOf(detail)).toEqual(['silent_failure']);
  });
});
