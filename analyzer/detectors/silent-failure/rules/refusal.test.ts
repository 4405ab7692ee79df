import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { refusalRule as RULE } from './refusal.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const judge = (steps: StepSpec[], rule = RULE) => {
  const run = readSilentRun(stepTrace(steps))!;
  return rule.scope === 'final_turn' && run.final !== null ? rule.judge(run, run.final, options) : null;
};
const pattern = (text: string) => judge([{ llm: { outputText: text } }])?.pattern ?? null;

describe('refusal rule', () => {
  it('judges a short refusal, or the provider saying so', () => {
    expect(pattern("I'm sorry, but I can't help with that request.")).toBe('refusal');
    expect(pattern('Unfortunately I am unable to log in to banking websites on your behalf.')).toBe('refusal');
    expect(judge([{ llm: { finishReason: 'refusal', outputText: 'I' } }])?.pattern).toBe('refusal');
  });

  it('has no verdict on an apology that goes on to help, or on idioms', () => {
    expect(pattern("I'm sorry to hear about the delay. Your parcel arrives on Monday.")).toBeNull();
    expect(pattern("Sorry for the wait! I can't wait to see you in Lisbon: your booking is confirmed.")).toBeNull();
    expect(pattern("Unfortunately it will rain on Friday, so I can't promise sunshine. Pack an umbrella.")).toBeNull();
  });

  it('has no verdict on a refusal longer than refusalMaxChars', () => {
    const run = readSilentRun(stepTrace([{ llm: { outputText: "I'm sorry, but I can't help with that request." } }]))!;
    expect(RULE.scope === 'final_turn' ? RULE.judge(run, run.final!, { ...options, refusalMaxChars: 20 }) : 'wrong scope').toBeNull();
  });
});
