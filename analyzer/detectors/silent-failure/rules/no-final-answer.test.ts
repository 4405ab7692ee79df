import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { noFinalAnswerRule as RULE } from './no-final-answer.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const judge = (steps: StepSpec[], rule = RULE) => {
  const run = readSilentRun(stepTrace(steps))!;
  return rule.scope === 'final_turn' && run.final !== null ? rule.judge(run, run.final, options) : null;
};

describe('no_final_answer rule (final turn)', () => {
  it('judges a run that ended on a tool call with no model reply after it', () => {
    expect(judge([asksTool, { tool: 'search' }])).toMatchObject({ pattern: 'no_final_answer', tool: 'search', evidence: { rule: 'no_final_answer', lastTool: 'search', toolCallsAfterLastModelCall: 1 } });
  });

  it("judges a framework's give-up string in the final turn as gave_up", () => {
    expect(judge([{ llm: { outputText: 'Agent stopped due to iteration limit or time limit.' } }])).toMatchObject({ pattern: 'gave_up', evidence: { rule: 'no_final_answer' } });
  });

  it('has no verdict when a model reply follows the tools', () => {
    expect(judge([asksTool, { tool: 'search' }, { llm: {} }])).toBeNull();
  });
});
