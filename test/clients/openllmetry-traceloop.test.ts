import * as traceloop from '@traceloop/node-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectorsOf, startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * OpenLLMetry through the real @traceloop/node-server-sdk, with `baseUrl` pointed at a real
 * tracehound (its own OTLP/HTTP protobuf exporter, no API key, prompt sync off): a trip-planning
 * workflow with an agent, a manual LLM call and a hotel-search tool; it runs normally, loops, or
 * answers over a tool's error payload.
 */
let service: ClientTestService;

beforeAll(async () => {
  service = await startClientTestService();
  traceloop.initialize({
    appName: 'trip-planner',
    baseUrl: service.url,
    headers: {},
    disableBatch: true,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    instrumentModules: {},
  });
});
afterAll(async () => {
  await traceloop.forceFlush();
  await service.stop();
});

async function llmTurn(finishReason: string, content: string): Promise<void> {
  await traceloop.withLLMCall({ vendor: 'openai', type: 'chat' }, ({ span }) => {
    span.reportRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Find a hotel in Paris' }] });
    span.reportResponse({
      model: 'gpt-4o-2024-08-06',
      usage: { prompt_tokens: 40, completion_tokens: 10, total_tokens: 50 },
      completions: [{ finish_reason: finishReason, message: { role: 'assistant', content } }],
    });
  });
}

/** The workflow: `searches` hotel searches (same city), then the final answer. */
async function planTrip(workflow: string, searches: number, hotels: unknown, answer: string): Promise<string> {
  const result = await traceloop.withWorkflow({ name: workflow }, async () =>
    traceloop.withAgent({ name: 'booker' }, async () => {
      for (let i = 0; i < searches; i++) {
        await llmTurn('tool_calls', '');
        await traceloop.withTool({ name: 'search_hotels' }, async (_query: { city: string }) => hotels, { city: 'Paris' });
      }
      await llmTurn('stop', answer);
      return answer;
    }),
  );
  await traceloop.forceFlush();
  return result;
}

describe('OpenLLMetry (Traceloop SDK) to a real tracehound', () => {
  it('stores a normal run with its LLM and tool calls normalised, and flags nothing', async () => {
    expect(await planTrip('trip_normal', 1, { hotels: ['Hotel du Louvre'] }, 'Booked Hotel du Louvre.')).toBe('Booked Hotel du Louvre.');
    await service.analyze();
    const detail = await service.runNamed('trip_normal.workflow');
    expect(detail.run).toMatchObject({ service: 'trip-planner', agent: 'booker', llmCallCount: 2, toolCallCount: 1, inputTokens: 80, outputTokens: 20 });
    const tool = detail.spans.find((span) => span.kind === 'tool');
    expect(tool?.tool?.name).toBe('search_hotels');
    expect(JSON.parse(tool!.tool!.result!)).toEqual({ hotels: ['Hotel du Louvre'] });
    expect(detail.flags).toEqual([]);
  });

  it('flags five identical hotel searches in a row as a tool loop', async () => {
    await planTrip('trip_loop', 5, { hotels: ['Hotel du Louvre'] }, 'Booked Hotel du Louvre.');
    await service.analyze();
    const detail = await service.runNamed('trip_loop.workflow');
    expect(detail.run.toolCallCount).toBe(5);
    expect(detectorsOf(detail)).toContain('tool_loop');
  });

  it('flags an answer given over a tool error payload as a silent failure', async () => {
    await planTrip('trip_swallowed', 1, { error: 'HotelAPI: 503 Service Unavailable', hotels: [] }, 'Booked Hotel du Louvre.');
    await service.analyze();
    const detail = await service.runNamed('trip_swallowed.workflow');
    expect(detectorsOf(detail)).toEqual(['silent_failure']);
  });
});
