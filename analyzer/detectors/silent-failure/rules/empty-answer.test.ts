import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { emptyAnswerRule as RULE } from './empty-answer.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const judge = (steps: StepSpec[], rule = RULE) => {
  const run = readSilentRun(stepTrace(steps))!;
  return rule.scope === 'final_turn' && run.final !== null ? rule.judge(run, run.final, options) : null;
};

describe('empty_answer rule', () => {
  it('judges an empty or whitespace final answer', () => {
    expect(judge([{ llm: { outputText: '   ' } }])).toMatchObject({ pattern: 'empty_answer', evidence: { rule: 'empty_answer', outputLength: 3 } });
    expect(judge([{ llm: { outputText: '' } }])?.summary).toContain('no text');
  });

  it('has no verdict on a turn that asked for tools, or whose text was not captured', () => {
    expect(judge([asksTool, { tool: 'search' }])).toBeNull();
    expect(judge([{ llm: { outputText: null } }])).toBeNull();
  });
});
