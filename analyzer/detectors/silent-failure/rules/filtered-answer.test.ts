import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { filteredAnswerRule as RULE } from './filtered-answer.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const judge = (steps: StepSpec[], rule = RULE) => {
  const run = readSilentRun(stepTrace(steps))!;
  return rule.scope === 'final_turn' && run.final !== null ? rule.judge(run, run.final, options) : null;
};

describe('filtered_answer rule', () => {
  it('judges a final answer cut by the content filter', () => {
    expect(judge([{ llm: { finishReason: 'content_filter', outputText: '' } }])).toMatchObject({ pattern: 'filtered_answer', evidence: { rule: 'filtered_answer', finishReason: 'content_filter' } });
  });

  it('has no verdict on an unfiltered answer', () => {
    expect(judge([{ llm: { outputText: 'Fine.' } }])).toBeNull();
  });
});
