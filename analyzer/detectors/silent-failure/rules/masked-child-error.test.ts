import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { maskedChildErrorRule } from './masked-child-error.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const check = (steps: StepSpec[], maskedChildErrors = true) =>
  maskedChildErrorRule.scope === 'spans' ? maskedChildErrorRule.check(readSilentRun(stepTrace(steps))!, { ...options, maskedChildErrors }).map((draft) => draft.pattern) : [];

describe('masked_child_error rule', () => {
  it('flags a failed tool the run carried on past without mentioning it', () => {
    expect(check([asksTool, { tool: 'book_hotel', error: 'HotelProviderError: no rooms available for the selected dates' }, { llm: { outputText: 'Your hotel is booked.' } }])).toEqual(['masked_child_error']);
  });

  it('does not flag a failure that was retried or that the answer mentions', () => {
    expect(check([asksTool, { tool: 'search', error: 'HTTP 502' }, asksTool, { tool: 'search' }, { llm: {} }])).toEqual([]);
    expect(check([asksTool, { tool: 'book_hotel', error: 'HotelProviderError: no rooms available for the selected dates' }, { llm: { outputText: 'Hotel Alma has no rooms left on those dates; shall I try another hotel?' } }])).toEqual([]);
  });

  it('does not excuse failed retries: two failures in a row are one flag, three or more are a tool_loop flag instead', () => {
    expect(check([asksTool, { tool: 'search', error: 'HTTP 502' }, asksTool, { tool: 'search', error: 'HTTP 502' }, { llm: { outputText: 'Here are the results.' } }])).toEqual(['masked_child_error']);
    expect(check([asksTool, { tool: 'search', error: 'HTTP 502' }, asksTool, { tool: 'search', error: 'HTTP 502' }, asksTool, { tool: 'search', error: 'HTTP 502' }, { llm: { outputText: 'Here are the results.' } }])).toEqual([]);
  });

  it('is off when analyzer.silentFailure.maskedChildErrors is false', () => {
    expect(check([asksTool, { tool: 'search', error: 'HTTP 502' }, { llm: {} }], false)).toEqual([]);
  });
});
