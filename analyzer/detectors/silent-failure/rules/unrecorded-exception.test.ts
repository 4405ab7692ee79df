import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { unrecordedExceptionRule } from './unrecorded-exception.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const check = (steps: StepSpec[], exceptionEvents = true) =>
  unrecordedExceptionRule.scope === 'spans' ? unrecordedExceptionRule.check(readSilentRun(stepTrace(steps))!, { ...options, exceptionEvents }) : [];

describe('unrecorded_exception rule', () => {
  it('flags an exception event on a span that is not ERROR, naming the exception type', () => {
    const drafts = check([asksTool, { tool: 'search', exception: 'TimeoutError' }, { llm: {} }]);
    expect(drafts.map((draft) => draft.pattern)).toEqual(['unrecorded_exception:TimeoutError']);
    expect(drafts[0]!.evidence).toMatchObject({ rule: 'unrecorded_exception', exceptionType: 'TimeoutError', exceptionMessage: 'boom', spanStatus: 'unset' });
  });

  it('does not flag an exception on an ERROR span', () => {
    expect(check([asksTool, { tool: 'search', exception: 'TimeoutError', error: 'timeout' }, { llm: {} }])).toEqual([]);
  });

  it('is off when analyzer.silentFailure.exceptionEvents is false', () => {
    expect(check([asksTool, { tool: 'search', exception: 'TimeoutError' }, { llm: {} }], false)).toEqual([]);
  });
});
