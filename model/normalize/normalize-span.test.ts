import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue, Attributes } from '../otlp.js';
import { normalizeRequest, normalizeSpan } from './normalize-span.js';
import { CHILD, RESOURCE, SCOPE, makeOtlpSpan } from './make-otlp-span.js';

const KEYS = [
  'gen_ai.operation.name', 'gen_ai.output.messages', 'gen_ai.response.finish_reasons', 'gen_ai.usage.input_tokens',
  'gen_ai.tool.name', 'gen_ai.tool.call.arguments', 'gen_ai.completion.0.content', 'gen_ai.completion.0.tool_calls.0.name',
  'openinference.span.kind', 'llm.output_messages.0.message.content', 'output.value', 'tool.name', 'input.value',
  'ai.operationId', 'ai.response.toolCalls', 'ai.response.text', 'ai.toolCall.args', 'traceloop.span.kind',
  'traceloop.entity.name', 'llm.request.type', 'gen_ai.agent.name', 'session.id', 'gen_ai.request.model',
];
const VALUES: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.constantFrom('chat', 'execute_tool', 'invoke_agent', 'LLM', 'TOOL', 'AGENT', 'tool', 'workflow', 'ai.toolCall', 'ai.generateText.doGenerate', '[', '[{"role":1}]', '[null,{"parts":7}]', ''),
  fc.jsonValue() as fc.Arbitrary<AttributeValue>,
);

describe('normalizeSpan', () => {
  it('never throws and always yields a valid kind and operation, whatever the attributes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), VALUES), fc.string(), fc.boolean(), (attributes, name, isRoot) => {
        const span = normalizeSpan(makeOtlpSpan(name, attributes as Attributes, isRoot ? {} : CHILD), {}, SCOPE);
        expect(['agent', 'llm', 'tool', 'other']).toContain(span.kind);
        expect(span.operation).toMatch(/^(tool|llm|agent|span):/);
        expect(span.llm === null).toBe(span.kind !== 'llm');
        expect(span.tool === null).toBe(span.kind !== 'tool');
      }),
      { numRuns: 2000 },
    );
  });

  it('names the service from the resource, else unknown_service', () => {
    expect(normalizeSpan(makeOtlpSpan('x', {}), { ...RESOURCE }, SCOPE).service).toBe('travel-agent');
    expect(normalizeSpan(makeOtlpSpan('x', {}), { 'service.name': 7 }, SCOPE).service).toBe('unknown_service');
  });

  it('masks ids, numbers and uuids in the operation of other spans', () => {
    const op = (name: string) => normalizeSpan(makeOtlpSpan(name, {}), {}, SCOPE).operation;
    expect(op('GET /users/12345/orders')).toBe('span:GET /users/*/orders');
    expect(op('process 3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f')).toBe('span:process *');
    expect(op('fetch 9f8e7d6c5b4a3921')).toBe('span:fetch *');
    expect(op('job run_8sd7f6g5h4j3k2l1m0')).toBe('span:job *');
    expect(op('RunnableSequence')).toBe('span:RunnableSequence');
    expect(op('x'.repeat(10_000)).length).toBeLessThanOrEqual(205);
  });

  it('takes the first finish reason of a list, including a JSON-array string', () => {
    const reason = (value: AttributeValue) =>
      normalizeSpan(makeOtlpSpan('chat m', { 'gen_ai.operation.name': 'chat', 'gen_ai.response.finish_reasons': value }), {}, SCOPE).llm?.finishReason;
    expect(reason(['MAX_TOKENS', 'stop'])).toBe('length');
    expect(reason('["tool_calls"]')).toBe('tool_call');
    expect(reason('incomplete')).toBe('length');
    expect(reason('refusal')).toBe('refusal');
    expect(reason([])).toBeNull();
  });

  it('reads per field across dialects: the first key present wins', () => {
    const span = normalizeSpan(
      makeOtlpSpan(
        'ai.generateText.doGenerate',
        {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.usage.inputTokens': 999,
          'gen_ai.usage.input_tokens': 100,
          'llm.token_count.completion': 5,
          'ai.telemetry.functionId': 'fn',
          'agent.name': 'oi-agent',
        },
        CHILD,
      ),
      {},
      SCOPE,
    );
    expect(span.llm).toMatchObject({ inputTokens: 100, outputTokens: 5 });
    expect(span.agent).toBe('oi-agent');
  });

  it('reads token counts sent as int64 decimal strings and ignores negative or non-numeric ones', () => {
    const tokens = (value: AttributeValue) =>
      normalizeSpan(makeOtlpSpan('chat m', { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': value }), {}, SCOPE).llm?.inputTokens;
    expect(tokens('1234')).toBe(1234);
    expect(tokens(-3)).toBeNull();
    expect(tokens('many')).toBeNull();
  });

  it('normalises every span of a request in order', () => {
    const spans = normalizeRequest({
      resourceSpans: [
        {
          resource: { ...RESOURCE },
          scopeSpans: [{ scope: SCOPE, spans: [makeOtlpSpan('a', {}), makeOtlpSpan('execute_tool b', { 'gen_ai.tool.name': 'b' }, CHILD)] }],
        },
      ],
    });
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['a', 'other'],
      ['execute_tool b', 'tool'],
    ]);
  });
});
