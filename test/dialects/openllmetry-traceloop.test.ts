import * as traceloop from '@traceloop/node-server-sdk';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import type { NormalizedSpan } from '../../model/span.js';
import { readableSpanToOtlp } from '../support/readable-span-to-otlp.js';

/**
 * OpenLLMetry through the real @traceloop/node-server-sdk, initialised with an in-memory
 * exporter (no API key, no network, prompt sync off): a workflow that runs an agent, which makes
 * a manual LLM call (withLLMCall) and calls a tool.
 */
describe('OpenLLMetry (Traceloop SDK) decorators, normalised', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    traceloop.initialize({
      appName: 'trip-planner',
      exporter,
      disableBatch: true,
      traceloopSyncEnabled: false,
      silenceInitializationMessage: true,
      instrumentModules: {},
      logLevel: 'error',
    });
  });
  afterAll(async () => {
    await traceloop.forceFlush();
  });

  function normalized(): NormalizedSpan[] {
    return exporter.getFinishedSpans().map((readable) => {
      const { span, resource, scope } = readableSpanToOtlp(readable);
      return normalizeSpan(span, resource, scope);
    });
  }

  it('maps workflow, agent, LLM call and tool spans', async () => {
    const answer = await traceloop.withWorkflow({ name: 'plan_trip', associationProperties: { session_id: 'sess-9' } }, async () =>
      traceloop.withAgent({ name: 'booker' }, async () => {
        await traceloop.withLLMCall({ vendor: 'openai', type: 'chat' }, ({ span }) => {
          span.reportRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Find a hotel in Paris' }] });
          span.reportResponse({
            model: 'gpt-4o-2024-08-06',
            usage: { prompt_tokens: 41, completion_tokens: 9, total_tokens: 50 },
            completions: [{ finish_reason: 'length', message: { role: 'assistant', content: 'Searching for hotels in' } }],
          });
        });
        return traceloop.withTool({ name: 'search_hotels' }, async (query: { city: string }) => ({ hotels: [`Hotel ${query.city}`] }), { city: 'Paris' });
      }),
    );
    expect(answer).toEqual({ hotels: ['Hotel Paris'] });
    await traceloop.forceFlush();

    const spans = normalized();
    const byName = (name: string) => spans.find((s) => s.name === name);

    expect(byName('plan_trip.workflow')).toMatchObject({ kind: 'agent', agent: 'plan_trip', parentSpanId: null, operation: 'agent:plan_trip', sessionId: 'sess-9' });
    expect(byName('plan_trip.workflow')!.service).toBe('trip-planner');
    expect(byName('booker.agent')).toMatchObject({ kind: 'agent', agent: 'booker', operation: 'agent:booker' });
    // Spans inside the agent carry its name (the SDK sets gen_ai.agent.name on them).
    expect(byName('search_hotels.tool')!.agent).toBe('booker');

    const tool = byName('search_hotels.tool');
    expect(tool).toMatchObject({ kind: 'tool', operation: 'tool:search_hotels' });
    expect(tool!.tool!.name).toBe('search_hotels');
    expect(tool!.tool!.arguments).toContain('Paris');
    expect(JSON.parse(tool!.tool!.result!)).toEqual({ hotels: ['Hotel Paris'] });

    const llm = spans.find((s) => s.kind === 'llm');
    expect(llm?.llm).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      inputTokens: 41,
      outputTokens: 9,
      finishReason: 'length',
      outputText: 'Searching for hotels in',
    });
    expect(llm?.operation).toBe('llm:gpt-4o-2024-08-06');
  });
});
