import { describe, expect, it } from 'vitest';
import { readRunOutputText } from './run-output.js';

describe('readRunOutputText', () => {
  it('reads the run output of an agent span in each dialect', () => {
    const give = 'Agent stopped due to iteration limit or time limit.';
    expect(readRunOutputText({ 'output.value': give })).toBe(give);
    expect(readRunOutputText({ 'traceloop.entity.output': JSON.stringify(give) })).toBe(give);
    expect(readRunOutputText({ 'traceloop.entity.output': JSON.stringify({ output: give }) })).toBe(give);
    expect(readRunOutputText({ 'ai.response.text': give })).toBe(give);
    expect(readRunOutputText({ 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: give }] }]) })).toBe(give);
  });

  it('is null when no output is recorded', () => {
    expect(readRunOutputText({ 'gen_ai.agent.name': 'a' })).toBeNull();
  });
});
