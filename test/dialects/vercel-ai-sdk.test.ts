import { afterAll, describe, expect, it } from 'vitest';
import { captureSpans } from './capture-spans.js';
import { runWeatherAgent } from './weather-agent.js';

describe('Vercel AI SDK (ai@6) telemetry, normalised', () => {
  const capture = captureSpans('weather-service');
  afterAll(() => capture.provider.shutdown());

  it('maps a tool-calling generateText run to one agent span, two LLM calls and one tool call', async () => {
    const text = await runWeatherAgent(capture.provider.getTracer('ai'));
    expect(text).toBe('It is 22 degrees in Paris.');
    const spans = capture.normalized();
    const byName = (name: string) => spans.filter((s) => s.name === name);

    const [root] = byName('ai.generateText');
    expect(root).toMatchObject({ kind: 'agent', agent: 'my-agent', sessionId: 'chat-7', operation: 'agent:my-agent', llm: null, parentSpanId: null });
    expect(root!.service).toBe('weather-service');
    expect(spans).toHaveLength(4);
    expect(spans.every((s) => s.traceId === root!.traceId)).toBe(true);

    const llmCalls = spans.filter((s) => s.kind === 'llm');
    expect(llmCalls.map((s) => s.name)).toEqual(['ai.generateText.doGenerate', 'ai.generateText.doGenerate']);
    const [first, second] = llmCalls;
    expect(first!.llm).toEqual({
      model: 'mock-model-1',
      provider: 'mock-provider',
      inputTokens: 50,
      outputTokens: 10,
      finishReason: 'tool_call',
      outputText: '',
      toolCallNames: ['weather'],
    });
    expect(second!.llm).toMatchObject({ inputTokens: 80, outputTokens: 12, finishReason: 'stop', outputText: 'It is 22 degrees in Paris.', toolCallNames: [] });
    expect(second!.operation).toBe('llm:mock-model-1');
    expect(llmCalls.every((s) => s.agent === 'my-agent')).toBe(true);

    const tools = spans.filter((s) => s.kind === 'tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]!.tool?.name).toBe('weather');
    expect(JSON.parse(tools[0]!.tool!.arguments!)).toEqual({ city: 'Paris' });
    expect(JSON.parse(tools[0]!.tool!.result!)).toEqual({ city: 'Paris', temperatureC: 22 });
    expect(tools[0]!.operation).toBe('tool:weather');

    // Only the per-call usage counts: 50 + 80 input tokens, not the root's aggregate on top.
    const inputTokens = llmCalls.reduce((sum, s) => sum + (s.llm?.inputTokens ?? 0), 0);
    expect(inputTokens).toBe(130);
  });
});
