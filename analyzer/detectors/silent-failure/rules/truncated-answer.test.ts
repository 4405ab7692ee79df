import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { truncatedAnswerRule as RULE } from './truncated-answer.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const judge = (steps: StepSpec[], rule = RULE) => {
  const run = readSilentRun(stepTrace(steps))!;
  return rule.scope === 'final_turn' && run.final !== null ? rule.judge(run, run.final, options) : null;
};

describe('truncated_answer rule', () => {
  it('judges a final answer cut at the token limit, keeping its tail as evidence', () => {
    expect(judge([{ llm: { finishReason: 'length', outputText: 'The plan is to', outputTokens: 4096 } }])).toMatchObject({
      pattern: 'truncated_answer',
      severity: 'critical',
      evidence: { rule: 'truncated_answer', finishReason: 'length', outputTokens: 4096, answerTail: 'The plan is to' },
    });
  });

  it('has no verdict on an answer that stopped on its own', () => {
    expect(judge([{ llm: { finishReason: 'stop', outputText: 'The plan is to wait.' } }])).toBeNull();
  });
});
