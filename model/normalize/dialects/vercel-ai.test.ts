import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { CHILD, RESOURCE, SCOPE, makeOtlpSpan } from '../make-otlp-span.js';
import type { Attributes } from '../../otlp.js';

function normalize(name: string, attributes: Attributes, isRoot = false) {
  return normalizeSpan(makeOtlpSpan(name, attributes, isRoot ? {} : CHILD), { ...RESOURCE }, SCOPE);
}

const COMMON = {
  'ai.telemetry.functionId': 'my-agent',
  'resource.name': 'my-agent',
  'ai.model.provider': 'openai.chat',
  'ai.model.id': 'gpt-4o',
  'ai.telemetry.metadata.sessionId': 'chat-7',
};

describe('Vercel AI SDK legacy dialect', () => {
  it('makes ai.generateText the agent run without counting its aggregate usage as an LLM call', () => {
    const span = normalize(
      'ai.generateText',
      {
        ...COMMON,
        'operation.name': 'ai.generateText my-agent',
        'ai.operationId': 'ai.generateText',
        'ai.usage.inputTokens': 300,
        'ai.usage.outputTokens': 40,
        'ai.response.finishReason': 'stop',
        'ai.response.text': 'It is sunny.',
      },
      true,
    );
    expect(span).toMatchObject({ kind: 'agent', agent: 'my-agent', sessionId: 'chat-7', operation: 'agent:my-agent', llm: null, tool: null });
  });

  it('reads a doGenerate span that carries ai.* and gen_ai.* keys', () => {
    const span = normalize('ai.generateText.doGenerate', {
      ...COMMON,
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.response.model': 'gpt-4o-2024-08-06',
      'ai.response.finishReason': 'tool-calls',
      'ai.response.toolCalls': JSON.stringify([{ toolCallType: 'function', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' }]),
      'ai.usage.inputTokens': 120,
      'ai.usage.outputTokens': 18,
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['tool-calls'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 18,
    });
    expect(span.kind).toBe('llm');
    expect(span.agent).toBe('my-agent');
    expect(span.llm).toEqual({
      model: 'gpt-4o-2024-08-06',
      provider: 'openai.chat',
      inputTokens: 120,
      outputTokens: 18,
      finishReason: 'tool_call',
      outputText: '',
      toolCallNames: ['weather'],
    });
  });

  it('reads the final answer of a doGenerate span from ai.response.text', () => {
    const span = normalize('ai.generateText.doGenerate', {
      ...COMMON,
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.response.finishReason': 'stop',
      'ai.response.text': 'It is 22 °C in Paris.',
      'ai.usage.promptTokens': 150,
      'ai.usage.completionTokens': 11,
    });
    expect(span.llm).toMatchObject({ model: 'gpt-4o', outputText: 'It is 22 °C in Paris.', finishReason: 'stop', inputTokens: 150, outputTokens: 11 });
  });

  it('maps content-filter and length finish reasons', () => {
    const filtered = normalize('ai.streamText.doStream', { 'ai.operationId': 'ai.streamText.doStream', 'ai.response.finishReason': 'content-filter' });
    expect(filtered.llm?.finishReason).toBe('content_filter');
  });

  it('reads an ai.toolCall span: name, args and result', () => {
    const span = normalize('ai.toolCall', {
      ...COMMON,
      'operation.name': 'ai.toolCall my-agent',
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'weather',
      'ai.toolCall.id': 'c1',
      'ai.toolCall.args': '{"city":"Paris"}',
      'ai.toolCall.result': '{"temperature":22}',
    });
    expect(span).toMatchObject({ kind: 'tool', operation: 'tool:weather', agent: 'my-agent' });
    expect(span.tool).toEqual({ name: 'weather', arguments: '{"city":"Paris"}', result: '{"temperature":22}' });
  });

  it('recognises the operation by span name when ai.operationId is missing', () => {
    expect(normalize('ai.toolCall', { 'ai.toolCall.name': 'x' }).kind).toBe('tool');
    expect(normalize('ai.embedMany', { 'ai.usage.tokens': 10 }).kind).toBe('other');
  });
});
