import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/schema.js';
import { asksTool, stepTrace, type StepSpec } from '../../../../test/support/step-traces.js';
import { readSilentRun } from '../rule.js';
import { silentToolErrorRule } from './silent-tool-error.js';
import { buildAnalysisTrace } from '../../../analysis-trace.js';
import { hexId, makeSpan } from '../../../../test/support/normalized-spans.js';

/** A code agent's run (no tool spans): each step a CHAIN span whose output is what its code printed, holding the model call that wrote the code. */
function codeRun(steps: { code: string; printed: string }[], answer: string) {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, kind: 'agent', name: 'team', startMs: 1_700_000_000_000, durationMs: 60_000 });
  const spans = [root];
  [...steps, { code: '', printed: '' }].forEach((step, index) => {
    const last = index === steps.length;
    const chain = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'other', name: `Step ${index + 1}`, startMs: 1_700_000_001_000 + index * 5000, durationMs: 4000, attributes: last ? {} : { 'output.value': `Execution logs:\n${step.printed}` } });
    const text = last ? answer : `Let me run this.\n\`\`\`python\n${step.code}\n\`\`\``;
    spans.push(chain, makeSpan({ traceId, parentSpanId: chain.spanId, kind: 'llm', name: 'llm', startMs: 1_700_000_001_000 + index * 5000, durationMs: 1000, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 10, finishReason: 'stop', outputText: text, toolCallNames: [] } }));
  });
  const run = readSilentRun(buildAnalysisTrace(traceId, spans))!;
  return silentToolErrorRule.scope === 'spans' ? silentToolErrorRule.check(run, options) : [];
}

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

  it('does not flag an error the agent retried away; an error left standing is one even when the reply tells the user', () => {
    const failed: StepSpec = { tool: 'run_query', result: '{"error":"syntax error at or near \\"order\\""}' };
    expect(check([asksTool, failed, asksTool, { tool: 'run_query', result: '{"rows":[[1]]}' }, { llm: { outputText: 'There is one row.' } }])).toEqual([]);
    expect(check([asksTool, failed, { llm: { outputText: 'The query had a syntax error near "order", so I have no figures.' } }])).toHaveLength(1);
  });

  it('does not flag a result that merely mentions errors, nor a tool span already ERROR', () => {
    expect(check([asksTool, { tool: 'search', result: 'No errors were found in the logs.' }, { llm: {} }])).toEqual([]);
    expect(check([asksTool, { tool: 'search', result: 'Error: boom', error: 'boom' }, { llm: {} }])).toEqual([]);
  });

  it('flags a browsing result that is an error or block page dressed as an ordinary result', () => {
    const page = "I clicked 'Dictionary'.\n\nHere is a screenshot of [Just a moment...](https://www.collinsdictionary.com/). The viewport shows 100% of the webpage.";
    expect(check([asksTool, { tool: 'click', result: page }, { llm: { outputText: 'FINAL ANSWER: blue' } }])).toMatchObject([{ evidence: { matched: 'page title: Just a moment...' } }]);
    const notFound = 'Address: file:///workspace/76.pdf\nTitle: Error 404\n=======================\n## Error 404\n\nFile not found: /workspace/76.pdf';
    expect(check([asksTool, { tool: 'open_path', result: notFound }, { llm: { outputText: 'The word is tricksy.' } }])).toHaveLength(1);
    // A page about errors is not an error page.
    expect(check([asksTool, { tool: 'click', result: 'Here is a screenshot of [HTTP 404 errors explained - MDN](https://developer.mozilla.org/). Text: …' }, { llm: { outputText: 'Done.' } }])).toEqual([]);
  });

  it("flags a code agent's failed run (no tool spans) that no later step ran cleanly, and not one a later step fixed", () => {
    const failed = 'exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\nNameError: name \'df\' is not defined';
    expect(codeRun([{ code: 'print(df.shape)', printed: failed }], 'The answer is 4.')).toMatchObject([{ tool: 'code', evidence: { rule: 'silent_tool_error', tool: 'code' } }]);
    expect(codeRun([{ code: 'print(df.shape)', printed: failed }, { code: 'import pandas as pd\ndf = pd.read_csv("a.csv")\nprint(df.shape)', printed: 'exitcode: 0 (execution succeeded)\nCode output: (4, 2)' }], 'The answer is 4.')).toEqual([]);
  });

  it('does not flag an error the agent got past with a sibling tool; flags one left standing, told or not', () => {
    expect(check([asksTool, { tool: 'find_user_id_by_email', result: 'Error: user not found' }, asksTool, { tool: 'find_user_id_by_name_zip', result: 'sara_doe_496' }, { llm: { outputText: 'Your order is on its way.' } }])).toEqual([]);
    const told = check([asksTool, { tool: 'update_flight', args: '{"flight":"HAT030"}', result: 'Error: flight HAT030 not available on date 2024-05-13' }, { llm: { outputText: 'Flight HAT030 is no longer available on that date. Shall I look for another one?' } }, { llm: { outputText: 'Have a nice trip!' } }]);
    // "A tool error under a run that did not fail": telling the user does not undo it.
    expect(told).toHaveLength(1);
    expect(check([asksTool, { tool: 'update_flight', args: '{"flight":"HAT030"}', result: 'Error: flight HAT030 not available on date 2024-05-13' }, { llm: { outputText: 'All set, your trip is updated!' } }])).toHaveLength(1);
  });
});
