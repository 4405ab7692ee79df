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

  it('has no verdict when the run ended on a final-answer tool, a hand-over or a submit command', () => {
    expect(judge([{ llm: { finishReason: 'tool_call', outputText: '', toolCallNames: ['final_answer'] } }, { tool: 'final_answer', args: '{"answer":"42"}' }])).toBeNull();
    expect(judge([{ llm: { finishReason: 'tool_call', outputText: '', toolCallNames: ['transfer_to_human_agents'] } }, { tool: 'transfer_to_human_agents' }])).toBeNull();
    expect(judge([{ llm: { finishReason: null, outputText: 'Submitting.\n```bash\necho COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n```' } }, { tool: 'bash', args: '{"command":"echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff --cached"}' }])).toBeNull();
  });

  it("has no verdict when the run's span records its answer (FINAL ANSWER), and still judges one whose recorded output is the tool-asking turn's own text", () => {
    const answered = readSilentRun(stepTrace([asksTool, { tool: 'search' }], 'unset', { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'FINAL ANSWER: 42' }] }]) }))!;
    expect(RULE.scope === 'final_turn' ? RULE.judge(answered, answered.final!, options) : 'wrong scope').toBeNull();
    const echoed = readSilentRun(stepTrace([{ llm: { finishReason: 'tool_call', outputText: 'Let me look.', toolCallNames: ['search'] } }, { tool: 'search' }], 'unset', { 'output.value': 'Let me look.' }))!;
    expect(RULE.scope === 'final_turn' ? RULE.judge(echoed, echoed.final!, options) : null).toMatchObject({ pattern: 'no_final_answer' });
  });

  it('has no verdict when a model reply follows the tools', () => {
    expect(judge([asksTool, { tool: 'search' }, { llm: {} }])).toBeNull();
  });
});
