import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { LlmCall, NormalizedSpan } from '../../model/span.js';
import { hexId, makeSpan } from '../../test/support/normalized-spans.js';
import { buildAnalysisTrace } from '../analysis-trace.js';
import type { DetectorContext } from '../detector.js';
import { silentFailureDetector } from './silent-failure.js';

const context: DetectorContext = { options: configSchema.parse({}).analyzer, latencyBaseline: () => null };
const T0 = 1_700_000_000_000;

type StepSpec =
  | { tool: string; args?: string; result?: string | null; error?: string; exception?: string }
  | { llm: Partial<LlmCall>; error?: string };

function detect(steps: StepSpec[], rootStatus: 'unset' | 'error' = 'unset') {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 30_000, status: rootStatus });
  const spans: NormalizedSpan[] = [root];
  steps.forEach((step, index) => {
    const common = { traceId, parentSpanId: root.spanId, startMs: T0 + 100 + index * 1000, durationMs: 500, status: step.error ? ('error' as const) : ('unset' as const), statusMessage: step.error ?? '' };
    if ('tool' in step) {
      spans.push(
        makeSpan({
          ...common,
          kind: 'tool',
          name: `execute_tool ${step.tool}`,
          operation: `tool:${step.tool}`,
          tool: { name: step.tool, arguments: step.args ?? '{}', result: step.result === undefined ? '{"ok":true}' : step.result },
          events: step.exception ? [{ name: 'exception', timeUnixNano: 0n, attributes: { 'exception.type': step.exception, 'exception.message': 'boom' } }] : [],
        }),
      );
    } else {
      spans.push(
        makeSpan({
          ...common,
          kind: 'llm',
          name: 'chat gpt-4o',
          operation: 'llm:gpt-4o',
          llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 100, outputTokens: 20, finishReason: 'stop', outputText: 'All done.', toolCallNames: [], ...step.llm },
        }),
      );
    }
  });
  return silentFailureDetector.detect(buildAnalysisTrace(traceId, spans), context).map((draft) => draft.pattern);
}

const asksTool: StepSpec = { llm: { finishReason: 'tool_call', outputText: '', toolCallNames: ['search'] } };

describe('silent_failure detector', () => {
  it('flags a tool that returned an error payload while its span is OK', () => {
    expect(detect([asksTool, { tool: 'search', result: '{"error":{"code":503,"message":"upstream unavailable"}}' }, { llm: {} }])).toEqual(['silent_tool_error']);
  });

  it('flags a tool span that carries error.type while its status is not ERROR', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 5000 });
    const tool = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'tools/call fetch', operation: 'tool:fetch', startMs: T0 + 100, durationMs: 300, attributes: { 'error.type': 'ConnectTimeout' }, tool: { name: 'fetch', arguments: '{}', result: null } });
    const answer = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat gpt-4o', operation: 'llm:gpt-4o', startMs: T0 + 600, durationMs: 500, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText: 'Here is the page.', toolCallNames: [] } });
    expect(silentFailureDetector.detect(buildAnalysisTrace(traceId, [root, tool, answer]), context).map((draft) => draft.pattern)).toEqual(['silent_tool_error']);
  });

  it('does not flag a result that merely mentions the word error', () => {
    expect(detect([asksTool, { tool: 'search', result: '{"articles":[{"title":"Handling errors in Go"}]}' }, { llm: { outputText: 'The error rate is 0.1%.' } }])).toEqual([]);
    expect(detect([asksTool, { tool: 'search', result: 'No errors were found in the logs.' }, { llm: {} }])).toEqual([]);
  });

  it('does not flag a run whose root failed loudly', () => {
    expect(detect([asksTool, { tool: 'search', result: 'Error: boom', error: 'boom' }], 'error')).toEqual([]);
  });

  it('flags an exception event on a span that is not ERROR', () => {
    expect(detect([asksTool, { tool: 'search', exception: 'TimeoutError' }, { llm: {} }])).toEqual(['unrecorded_exception:TimeoutError']);
  });

  it('flags a failed child the run carried on past, but not one retried successfully', () => {
    expect(detect([asksTool, { tool: 'search', error: 'HTTP 502' }, { llm: {} }])).toEqual(['masked_child_error']);
    expect(detect([asksTool, { tool: 'search', error: 'HTTP 502' }, asksTool, { tool: 'search' }, { llm: {} }])).toEqual([]);
  });

  it('does not flag a failed HTTP span inside a tool call that succeeded', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 5000 });
    const tool = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool user_exists', operation: 'tool:user_exists', startMs: T0 + 100, durationMs: 300, tool: { name: 'user_exists', arguments: '{"id":7}', result: '{"exists":false}' } });
    const http = makeSpan({ traceId, parentSpanId: tool.spanId, kind: 'other', name: 'GET', operation: 'span:GET', startMs: T0 + 110, durationMs: 200, status: 'error', statusMessage: '404' });
    const answer = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat gpt-4o', operation: 'llm:gpt-4o', startMs: T0 + 600, durationMs: 500, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText: 'User 7 does not exist.', toolCallNames: [] } });
    expect(silentFailureDetector.detect(buildAnalysisTrace(traceId, [root, tool, http, answer]), context)).toEqual([]);
  });

  it('does not flag a failed model call that a fallback model recovered from', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 5000 });
    const call = (model: string, startMs: number, failed: boolean) =>
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: `chat ${model}`, operation: `llm:${model}`, startMs, durationMs: 500, status: failed ? 'error' : 'unset', statusMessage: failed ? 'RateLimitError: 429' : '', llm: { model, provider: 'x', inputTokens: 10, outputTokens: 5, finishReason: failed ? null : 'stop', outputText: failed ? null : 'Here is the summary.', toolCallNames: [] } });
    expect(silentFailureDetector.detect(buildAnalysisTrace(traceId, [root, call('gpt-4o', T0 + 100, true), call('claude-sonnet-4', T0 + 1000, false)]), context)).toEqual([]);
  });

  it('flags an empty, truncated, filtered or refused final answer', () => {
    expect(detect([{ llm: { outputText: '   ' } }])).toEqual(['empty_answer']);
    expect(detect([{ llm: { finishReason: 'length', outputText: 'The plan is to' } }])).toEqual(['truncated_answer']);
    expect(detect([{ llm: { finishReason: 'content_filter', outputText: '' } }])).toEqual(['filtered_answer']);
    expect(detect([{ llm: { outputText: "I'm sorry, but I can't help with that request." } }])).toEqual(['refusal']);
    expect(detect([{ llm: { finishReason: 'refusal', outputText: 'I' } }])).toEqual(['refusal']);
  });

  it('does not read an apology that goes on to help as a refusal', () => {
    expect(detect([{ llm: { outputText: "I'm sorry to hear about the delay. Your parcel arrives on Monday." } }])).toEqual([]);
  });

  it('flags a run that ended on a tool call with no model reply after it', () => {
    expect(detect([asksTool, { tool: 'search' }])).toEqual(['no_final_answer']);
  });

  it('takes the answer as the final turn when a coarse clock gives two model calls the same times', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 10 });
    const llm = (text: string, asks: boolean, startMs = T0 + 1, durationMs = 2) =>
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat gpt-4o', operation: 'llm:gpt-4o', startMs, durationMs, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 5, finishReason: asks ? 'tool_call' : 'stop', outputText: text, toolCallNames: asks ? ['search'] : [] } });
    const tool = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool search', operation: 'tool:search', startMs: T0 + 1, durationMs: 1, tool: { name: 'search', arguments: '{}', result: '{"hits":[1]}' } });
    for (const order of [[llm('', true), tool, llm('Found one hit.', false)], [llm('Found one hit.', false), tool, llm('', true)]]) {
      expect(silentFailureDetector.detect(buildAnalysisTrace(traceId, [root, ...order]), context)).toEqual([]);
    }
    // The Vercel AI SDK ends a step's model-call span after the step's tools ran: the tool request
    // can end after the answer that started later.
    const asks = llm('', true, T0 + 1, 8);
    const answer = llm('Found one hit.', false, T0 + 4, 2);
    expect(silentFailureDetector.detect(buildAnalysisTrace(traceId, [root, asks, tool, answer]), context)).toEqual([]);
  });

  it('does not flag a failure retried with success, nor a failed call the answer tells about; flags an error result left standing', () => {
    const failedQuery = { tool: 'run_query', result: '{"error":"syntax error at or near \\"order\\""}' };
    expect(detect([asksTool, failedQuery, asksTool, { tool: 'run_query', result: '{"rows":[[1]]}' }, { llm: { outputText: 'There is one row.' } }])).toEqual([]);
    expect(detect([asksTool, failedQuery, { llm: { outputText: 'The query had a syntax error near "order", so I have no figures.' } }])).toEqual(['silent_tool_error']);
    expect(detect([asksTool, { tool: 'book_hotel', error: 'HotelProviderError: no rooms available for the selected dates' }, { llm: { outputText: 'Hotel Alma has no rooms left on those dates; shall I try another hotel?' } }])).toEqual([]);
    expect(detect([asksTool, { tool: 'book_hotel', error: 'HotelProviderError: no rooms available for the selected dates' }, { llm: { outputText: 'Your hotel is booked.' } }])).toEqual(['masked_child_error']);
  });

  it('flags a failed call whose answer claims success in the words of the task', () => {
    // The answer repeats the tool's own subject (refund, order, B-7), not the failure.
    const refund = { tool: 'refund_order', args: '{"orderId":"B-7"}', result: '{"error":"refund for order B-7 rejected: card expired"}' };
    expect(detect([asksTool, refund, { llm: { outputText: 'Your refund for order B-7 is on its way.' } }])).toEqual(['silent_tool_error']);
    // An error result left standing is flagged even when the answer tells the user (S4).
    expect(detect([asksTool, refund, { llm: { outputText: 'The refund was rejected because the card expired.' } }])).toEqual(['silent_tool_error']);
  });

  it('reads a short decline of any action as a refusal, but not an apology followed by real help', () => {
    expect(detect([{ llm: { outputText: 'Unfortunately I am unable to log in to banking websites on your behalf.' } }])).toEqual(['refusal']);
    const helpful =
      "I'm sorry, but I can't find a direct flight on 10 December. The best connection is LH1035 via Lisbon at 07:10 for 212 EUR, arriving 12:40, or AF1441 via Paris at 09:55 for 188 EUR arriving 15:05. Both include a checked bag, and a direct evening flight exists a day later.";
    expect(detect([{ llm: { outputText: helpful } }])).toEqual([]);
    expect(detect([{ llm: { outputText: "Sorry for the wait! I can't wait to see you in Lisbon: your booking is confirmed." } }])).toEqual([]);
    expect(detect([{ llm: { outputText: "Unfortunately it will rain on Friday, so I can't promise sunshine. Pack an umbrella." } }])).toEqual([]);
  });
});
