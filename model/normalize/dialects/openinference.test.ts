import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { CHILD, RESOURCE, SCOPE, makeOtlpSpan } from '../make-otlp-span.js';
import type { Attributes } from '../../otlp.js';

function normalize(name: string, attributes: Attributes, isRoot = false) {
  return normalizeSpan(makeOtlpSpan(name, attributes, isRoot ? {} : CHILD), { ...RESOURCE }, SCOPE);
}

describe('OpenInference dialect', () => {
  it('reads an LLM span: model, provider, token counts and the output message', () => {
    const span = normalize('ChatOpenAI', {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'llm.token_count.prompt': 54,
      'llm.token_count.completion': 9,
      'llm.token_count.total': 63,
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Say hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Hi there!',
      'input.value': '{"messages":[]}',
      'input.mime_type': 'application/json',
      'output.value': '{"generations":[]}',
      'output.mime_type': 'application/json',
      'session.id': 'sess-42',
    });
    expect(span.kind).toBe('llm');
    expect(span.sessionId).toBe('sess-42');
    expect(span.operation).toBe('llm:gpt-4o-mini');
    expect(span.llm).toEqual({
      model: 'gpt-4o-mini',
      provider: 'openai',
      inputTokens: 54,
      outputTokens: 9,
      finishReason: null,
      outputText: 'Hi there!',
      toolCallNames: [],
    });
  });

  it('reads output message contents parts and tool calls', () => {
    const span = normalize('ChatAnthropic', {
      'openinference.span.kind': 'LLM',
      'llm.response.model_name': 'claude-sonnet-4-20250514',
      'llm.request.model_name': 'claude-sonnet-4',
      'llm.finish_reason': 'tool_use',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.contents.0.message_content.type': 'text',
      'llm.output_messages.0.message.contents.0.message_content.text': 'Let me look that up.',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'toolu_01',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"paris"}',
    });
    expect(span.llm).toMatchObject({
      model: 'claude-sonnet-4-20250514',
      outputText: 'Let me look that up.',
      toolCallNames: ['search'],
      finishReason: 'tool_call',
    });
  });

  it('uses a plain-text output.value as the output text of an LLM span', () => {
    const span = normalize('llm', { 'openinference.span.kind': 'llm', 'llm.model_name': 'llama3', 'output.value': 'Bonjour' });
    expect(span.llm?.outputText).toBe('Bonjour');
  });

  it('reads a TOOL span: tool.name, input.value as arguments and output.value as result', () => {
    const span = normalize('search', {
      'openinference.span.kind': 'TOOL',
      'tool.name': 'search',
      'tool.description': 'Web search',
      'input.value': '{"query":"hotels in Paris"}',
      'input.mime_type': 'application/json',
      'output.value': 'No results',
      'output.mime_type': 'text/plain',
    });
    expect(span.kind).toBe('tool');
    expect(span.tool).toEqual({ name: 'search', arguments: '{"query":"hotels in Paris"}', result: 'No results' });
    expect(span.llm).toBeNull();
  });

  it('reads an AGENT span with agent.name, and keeps its token counts out of LLM calls', () => {
    const span = normalize(
      'Agent',
      { 'openinference.span.kind': 'AGENT', 'agent.name': 'researcher', 'llm.token_count.prompt': 900, 'session.id': 's1' },
      true,
    );
    expect(span).toMatchObject({ kind: 'agent', agent: 'researcher', sessionId: 's1', operation: 'agent:researcher', llm: null });
  });

  it('treats CHAIN, RETRIEVER and EMBEDDING spans as other', () => {
    for (const kind of ['CHAIN', 'RETRIEVER', 'EMBEDDING', 'RERANKER', 'GUARDRAIL']) {
      expect(normalize('RunnableSequence', { 'openinference.span.kind': kind, 'llm.model_name': 'x' }).kind).toBe('other');
    }
  });
});
