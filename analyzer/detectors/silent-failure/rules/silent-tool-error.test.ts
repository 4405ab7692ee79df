import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { silentToolErrorRule } from './silent-tool-error.js';

const options = configSchema.parse({}).analyzer.silentFailure;
const check = (steps: StepSpec[]) => (silentToolErrorRule.scope === 'spans' ? silentToolErrorRule.check(readSilentRun(stepTrace(steps))!, options) : []);

describe('silent_tool_error rule', () => {
  it('flags a tool whose OK span returned an error payload, with the matched fragment as evidence', () => {
    const [draft, ...rest] = check([asksTool, { tool: 'search', result: '{"error":{"code":503,"message":"upstream unavailable"}}' }, { llm: {} }]);
    expect(rest).toEqual([]);
    expect(draft).toMatchObject({ pattern: 'silent_tool_error', tool: 'search', severity: 'warning', evidence: { rule: 'silent_tool_error', tool: 'search', spanStatus: 'unset' } });
    expect(draft!.evidence.rule === 'silent_tool_error' ? draft!.evidence.matched : '').toContain('error');
  });

  it('flags a tool span that carries error.type while its status is not ERROR', () => {
    expect(check([asksTool, { tool: 'fetch', result: null, attributes: { 'error.type': 'ConnectTimeout' } }, { llm: { outputText: 'Here is the page.' } }]).map((draft) => (draft.evidence.rule === 'silent_tool_error' ? draft.evidence.matched : null))).toEqual(['error.type: ConnectTimeout']);
  });

  it('does not flag an error the agent retried away or told the user about', () => {
    const failed: StepSpec = { tool: 'run_query', result: '{"error":"syntax error at or near \\"order\\""}' };
    expect(check([asksTool, failed, asksTool, { tool: 'run_query', result: '{"rows":[[1]]}' }, { llm: { outputText: 'There is one row.' } }])).toEqual([]);
    expect(check([asksTool, failed, { llm: { outputText: 'The query had a syntax error near "order", so I have no figures.' } }])).toEqual([]);
  });

  it('does not flag a result that merely mentions errors, nor a tool span already ERROR', () => {
    expect(check([asksTool, { tool: 'search', result: 'No errors were found in the logs.' }, { llm: {} }])).toEqual([]);
    expect(check([asksTool, { tool: 'search', result: 'Error: boom', error: 'boom' }, { llm: {} }])).toEqual([]);
  });
});
