import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { CHILD, RESOURCE, SCOPE, makeOtlpSpan } from '../make-otlp-span.js';
import type { Attributes } from '../../otlp.js';

function normalize(name: string, attributes: Attributes, isRoot = false) {
  return normalizeSpan(makeOtlpSpan(name, attributes, isRoot ? {} : CHILD), { ...RESOURCE }, SCOPE);
}

describe('OTel GenAI dialect', () => {
  it('reads a v1.37 chat span with JSON-string output messages', () => {
    const span = normalize('chat gpt-4o', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 64,
      'gen_ai.conversation.id': 'conv_5j66UpCpwteGg4YSxUnt7lPY',
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Paris is 22 °C and sunny.' }], finish_reason: 'stop' },
      ]),
    });
    expect(span.kind).toBe('llm');
    expect(span.service).toBe('travel-agent');
    expect(span.sessionId).toBe('conv_5j66UpCpwteGg4YSxUnt7lPY');
    expect(span.operation).toBe('llm:gpt-4o-2024-08-06');
    expect(span.tool).toBeNull();
    expect(span.llm).toEqual({
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      inputTokens: 812,
      outputTokens: 64,
      finishReason: 'stop',
      outputText: 'Paris is 22 °C and sunny.',
      toolCallNames: [],
    });
  });

  it('reads structured (AnyValue) output messages with tool calls and an empty text', () => {
    const span = normalize('chat claude-sonnet-4', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.output.messages': [
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
            { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: { tz: 'CET' } },
          ],
          finish_reason: 'tool_call',
        },
      ],
    });
    expect(span.llm).toMatchObject({
      model: 'claude-sonnet-4',
      outputText: '',
      toolCallNames: ['get_weather', 'get_time'],
      finishReason: 'tool_call',
      inputTokens: null,
      outputTokens: null,
    });
  });

  it('reports null output text when content is not captured', () => {
    const span = normalize('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' });
    expect(span.llm?.outputText).toBeNull();
    expect(span.llm?.toolCallNames).toEqual([]);
  });

  it('reads the legacy gen_ai.system provider and prompt/completion token names', () => {
    const span = normalize('anthropic.chat', {
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'claude-3-5-sonnet',
      'gen_ai.usage.prompt_tokens': 120,
      'gen_ai.usage.completion_tokens': '30',
      'gen_ai.response.finish_reasons': 'end_turn',
    });
    expect(span.kind).toBe('llm');
    expect(span.llm).toMatchObject({ provider: 'Anthropic', inputTokens: 120, outputTokens: 30, finishReason: 'stop' });
  });

  it('reads flattened gen_ai.completion.0.* content, tool calls and finish reason', () => {
    const span = normalize('openai.chat', {
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'Weather in Paris?',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.finish_reason': 'tool_calls',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
    });
    expect(span.llm).toMatchObject({ outputText: '', toolCallNames: ['get_weather'], finishReason: 'tool_call' });
  });

  it('treats invoke_agent as the agent run and never as an LLM call, despite its aggregate usage', () => {
    const span = normalize(
      'invoke_agent travel_planner',
      {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'travel_planner',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 5000,
        'gen_ai.usage.output_tokens': 900,
      },
      true,
    );
    expect(span.kind).toBe('agent');
    expect(span.agent).toBe('travel_planner');
    expect(span.llm).toBeNull();
    expect(span.operation).toBe('agent:travel_planner');
  });

  it('reads execute_tool with structured arguments as JSON text and a string result', () => {
    const span = normalize('execute_tool get_weather', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_mszuSIzqtI65i1wAUOE8w5H4',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': { city: 'Paris', days: 3 },
      'gen_ai.tool.call.result': '{"temperature":22}',
    });
    expect(span.kind).toBe('tool');
    expect(span.tool).toEqual({ name: 'get_weather', arguments: '{"city":"Paris","days":3}', result: '{"temperature":22}' });
    expect(span.operation).toBe('tool:get_weather');
  });

  it('makes invoke_workflow an agent at the root and other when nested', () => {
    const attributes = { 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'booking' };
    expect(normalize('invoke_workflow booking', attributes, true)).toMatchObject({ kind: 'agent', agent: 'booking', operation: 'agent:booking' });
    expect(normalize('invoke_workflow booking', attributes, false)).toMatchObject({ kind: 'other', operation: 'span:invoke_workflow booking' });
  });

  it('keeps embeddings and retrieval out of the LLM calls', () => {
    const embeddings = normalize('embeddings text-embedding-3-small', {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 40,
    });
    expect(embeddings.kind).toBe('other');
    expect(embeddings.llm).toBeNull();
    expect(normalize('retrieval kb', { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'kb' }).kind).toBe('other');
  });

  it('reads the Vercel AI SDK v7 tree: invoke_agent, agent_step, chat and execute_tool', () => {
    const root = normalize(
      'invoke_agent gpt-4o',
      { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'my-agent', 'gen_ai.usage.input_tokens': 300 },
      true,
    );
    const step = normalize('step 1', { 'gen_ai.operation.name': 'agent_step' });
    const chat = normalize('chat gpt-4o', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.tool.definitions': '[{"type":"function","name":"weather"}]',
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 12,
    });
    expect(root).toMatchObject({ kind: 'agent', agent: 'my-agent', llm: null });
    expect(step).toMatchObject({ kind: 'other', operation: 'span:step *' });
    expect(chat).toMatchObject({ kind: 'llm', operation: 'llm:gpt-4o' });
    expect(chat.llm).toMatchObject({ inputTokens: 100, outputTokens: 12, finishReason: 'tool_call' });
  });

  it('recognises an MCP tools/call span without dialect markers by its name', () => {
    const span = normalize('tools/call get_weather', { 'mcp.method.name': 'tools/call' });
    expect(span.kind).toBe('tool');
    expect(span.tool?.name).toBe('get_weather');
  });

  it('falls back to the model in the span name when no model attribute is set', () => {
    expect(normalize('chat mistral-large', { 'gen_ai.operation.name': 'chat' }).llm?.model).toBe('mistral-large');
  });
});
