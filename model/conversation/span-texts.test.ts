import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../span.js';
import { readSpanTexts } from './span-texts.js';

const llm = (outputText: string | null): LlmCall =>
  ({ model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText }) as LlmCall;

describe('readSpanTexts', () => {
  it('indexes a model call whose answer is recorded only as output text beside its input messages', () => {
    const texts = readSpanTexts({
      kind: 'llm',
      attributes: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Trains to Porto?' }] }]) },
      llm: llm('The 9:05 from Lisbon.'),
      tool: null,
    });
    expect(texts.output).toBe('The 9:05 from Lisbon.');
    expect(texts.searchable).toContain('Trains to Porto?');
    expect(texts.searchable).toContain('The 9:05 from Lisbon.');
  });

  it('indexes a tool call by its name, arguments and result', () => {
    const texts = readSpanTexts({ kind: 'tool', attributes: {}, llm: null, tool: { name: 'search', arguments: '{"q":"Lisbon"}', result: 'no rooms' } as never });
    expect(texts.searchable).toBe('search\n{"q":"Lisbon"}\nno rooms');
  });
});
