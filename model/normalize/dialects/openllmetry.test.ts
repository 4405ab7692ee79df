import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../normalize-span.js';
import { CHILD, RESOURCE, SCOPE, makeOtlpSpan } from '../make-otlp-span.js';
import type { Attributes } from '../../otlp.js';

function normalize(name: string, attributes: Attributes, isRoot = false) {
  return normalizeSpan(makeOtlpSpan(name, attributes, isRoot ? {} : CHILD), { ...RESOURCE }, SCOPE);
}

describe('OpenLLMetry dialect', () => {
  it('makes a root workflow the agent run, named by its entity', () => {
    const span = normalize(
      'plan_trip.workflow',
      {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.name': 'plan_trip',
        'traceloop.workflow.name': 'plan_trip',
        'traceloop.association.properties.session_id': 'sess-9',
      },
      true,
    );
    expect(span).toMatchObject({ kind: 'agent', agent: 'plan_trip', sessionId: 'sess-9', operation: 'agent:plan_trip' });
  });

  it('makes a nested workflow other, and a task other, keeping the workflow as agent', () => {
    const task = normalize('pick_hotel.task', {
      'traceloop.span.kind': 'task',
      'traceloop.entity.name': 'pick_hotel',
      'traceloop.workflow.name': 'plan_trip',
    });
    expect(task).toMatchObject({ kind: 'other', agent: 'plan_trip', operation: 'span:pick_hotel.task' });
    expect(normalize('sub.workflow', { 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'sub' }).kind).toBe('other');
  });

  it('reads an agent span by its entity name', () => {
    const span = normalize('booker.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'booker', 'traceloop.workflow.name': 'plan_trip' });
    expect(span).toMatchObject({ kind: 'agent', agent: 'booker', operation: 'agent:booker' });
  });

  it('reads a tool span: entity name, input and output', () => {
    const span = normalize('search.tool', {
      'traceloop.span.kind': 'tool',
      'traceloop.entity.name': 'search',
      'traceloop.entity.input': '{"args":[],"kwargs":{"query":"paris"}}',
      'traceloop.entity.output': '{"results":[]}',
    });
    expect(span.kind).toBe('tool');
    expect(span.tool).toEqual({ name: 'search', arguments: '{"args":[],"kwargs":{"query":"paris"}}', result: '{"results":[]}' });
  });

  it('prefers gen_ai.tool.name on newer tool spans', () => {
    const span = normalize('web.tool', { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'web', 'gen_ai.tool.name': 'web_search' });
    expect(span.tool?.name).toBe('web_search');
  });

  it('reads an LLM span by llm.request.type with flattened completion content', () => {
    const span = normalize('openai.chat', {
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 33,
      'gen_ai.usage.output_tokens': 7,
      'llm.usage.total_tokens': 40,
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'Done.',
      'gen_ai.completion.0.finish_reason': 'length',
    });
    expect(span.llm).toEqual({
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      inputTokens: 33,
      outputTokens: 7,
      finishReason: 'length',
      outputText: 'Done.',
      toolCallNames: [],
    });
  });

  it('keeps embedding requests out of the LLM calls', () => {
    expect(normalize('openai.embeddings', { 'llm.request.type': 'embedding', 'gen_ai.request.model': 'text-embedding-3-small' }).kind).toBe('other');
  });
});
