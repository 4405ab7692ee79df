import { describe, expect, it } from 'vitest';
import { asksTool, stepTrace } from '../../../../test/support/step-traces.js';
import { readSilentRun, type SilentFailureDraft } from '../rule.js';
import { gaveUpRunOutputRule } from './gave-up-run-output.js';

const GIVE_UP = 'Agent stopped due to max iterations.';
const judge = (output: string, finalVerdict: SilentFailureDraft | null = null) => {
  const run = readSilentRun(stepTrace([asksTool, { tool: 'search' }, { llm: {} }], 'unset', { 'output.value': output }))!;
  return gaveUpRunOutputRule.scope === 'run_output' ? gaveUpRunOutputRule.judge(run, finalVerdict) : null;
};

describe('no_final_answer rule (run output)', () => {
  it("flags a run whose agent span recorded a framework's give-up string as its output", () => {
    expect(judge(GIVE_UP)).toMatchObject({ pattern: 'gave_up', severity: 'critical', evidence: { rule: 'no_final_answer', span: 'invoke_agent a', answer: GIVE_UP } });
  });

  it('does not repeat a give-up the final turn was already judged for', () => {
    const verdict = judge(GIVE_UP)!;
    expect(judge(GIVE_UP, verdict)).toBeNull();
    expect(judge(GIVE_UP, { ...verdict, pattern: 'truncated_answer' })).not.toBeNull();
  });

  it('has no verdict on an ordinary run output', () => {
    expect(judge('The answer is 42.')).toBeNull();
  });
});
