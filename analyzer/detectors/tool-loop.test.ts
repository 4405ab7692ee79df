import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { NormalizedSpan } from '../../model/span.js';
import { hexId, makeSpan } from '../../test/support/normalized-spans.js';
import { buildAnalysisTrace } from '../analysis-trace.js';
import type { DetectorContext } from '../detector.js';
import { toolLoopDetector } from './tool-loop.js';

const options = configSchema.parse({}).analyzer;
const context: DetectorContext = { options, latencyBaseline: () => null };

function run(calls: { name: string; args: string | null; result: string | null; error?: string }[], extra: (traceId: string, rootId: string) => NormalizedSpan[] = () => []) {
  const traceId = hexId(16);
  const t0 = 1_700_000_000_000;
  const root = makeSpan({ traceId, name: 'invoke_agent helper', kind: 'agent', agent: 'helper', startMs: t0, durationMs: 60_000 });
  const spans = [root];
  calls.forEach((call, index) => {
    spans.push(
      makeSpan({
        traceId,
        parentSpanId: root.spanId,
        name: `execute_tool ${call.name}`,
        kind: 'tool',
        startMs: t0 + 1000 + index * 2000,
        durationMs: 500,
        status: call.error !== undefined ? 'error' : 'unset',
        statusMessage: call.error ?? '',
        operation: `tool:${call.name}`,
        tool: { name: call.name, arguments: call.args, result: call.result },
      }),
      makeSpan({
        traceId,
        parentSpanId: root.spanId,
        name: 'chat gpt-4o',
        kind: 'llm',
        startMs: t0 + 1600 + index * 2000,
        durationMs: 300,
        llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 1000, outputTokens: 50, finishReason: 'tool_call', outputText: '', toolCallNames: [call.name] },
      }),
    );
  });
  spans.push(...extra(traceId, root.spanId));
  return toolLoopDetector.detect(buildAnalysisTrace(traceId, spans), context);
}

const repeat = <T>(count: number, make: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => make(index));

describe('tool_loop detector', () => {
  it('flags five identical search calls in a row with the same result', () => {
    const drafts = run(repeat(5, () => ({ name: 'search', args: '{"q":"refund policy"}', result: '{"hits":[]}' })));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.evidence).toMatchObject({ rule: 'identical_calls', repeats: 5, tool: 'search' });
    expect(drafts[0]!.spanIds).toHaveLength(5);
    expect(drafts[0]!.summary).toContain('5 times in a row');
    expect((drafts[0]!.evidence.inputTokens as number) > 0).toBe(true);
  });

  it('treats key order and whitespace in arguments as the same call', () => {
    const args = ['{"q":"x","page":1}', '{ "page": 1, "q": "x" }', '{"page":1,"q":"  x "}', '{"q":"x","page":1}'];
    const drafts = run(args.map((a) => ({ name: 'search', args: a, result: 'nothing found' })));
    expect(drafts.map((draft) => draft.pattern)).toEqual(['identical_calls']);
  });

  it('does not flag paging with different arguments', () => {
    expect(run(repeat(8, (i) => ({ name: 'list_orders', args: `{"page":${i + 1}}`, result: `{"orders":["o${i}"]}` })))).toEqual([]);
  });

  it('does not flag polling whose result changes', () => {
    const states = ['queued', 'queued', 'running', 'running', 'running', 'done'];
    expect(run(states.map((state) => ({ name: 'job_status', args: '{"job":"j1"}', result: `{"state":"${state}"}` })))).toEqual([]);
  });

  it('does not flag polling that waits a while and then succeeds', () => {
    const states = ['pending', 'pending', 'pending', 'pending', 'pending', 'complete'];
    expect(run(states.map((state) => ({ name: 'job_status', args: '{"job":"j1"}', result: state })))).toEqual([]);
  });

  it('flags three identical calls that fail the same way', () => {
    const drafts = run(repeat(3, () => ({ name: 'deploy', args: '{"env":"prod"}', result: null, error: 'permission denied' })));
    expect(drafts.map((draft) => draft.pattern)).toEqual(['failing_calls']);
  });

  it('flags three identical calls that return the same error payload while their spans say OK', () => {
    const drafts = run(repeat(3, () => ({ name: 'fx_rates', args: '{"base":"EUR"}', result: '{"error":{"code":429,"message":"rate limit exceeded"}}' })));
    expect(drafts.map((draft) => draft.pattern)).toEqual(['failing_calls']);
  });

  it('flags the model repeating the same reply, or replying with nothing, three times without a tool call', () => {
    const traceId = hexId(16);
    const t0 = 1_700_000_000_000;
    const root = makeSpan({ traceId, name: 'invoke_agent helper', kind: 'agent', agent: 'helper', startMs: t0, durationMs: 60_000 });
    const reply = (index: number, text: string) =>
      makeSpan({ traceId, parentSpanId: root.spanId, name: 'chat gpt-4o', kind: 'llm', startMs: t0 + 1000 * (index + 1), durationMs: 300, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 100, outputTokens: 10, finishReason: 'stop', outputText: text, toolCallNames: [] } });
    const patterns = (texts: string[]) => toolLoopDetector.detect(buildAnalysisTrace(traceId, [root, ...texts.map((text, i) => reply(i, text))]), context).map((draft) => draft.pattern);
    expect(patterns(['Let me check that.', 'Let me check  that.', 'let me check that.'])).toEqual(['repeated_replies']);
    expect(patterns(['', '', ''])).toEqual(['empty_responses']);
    expect(patterns(['Step one done.', 'Step two done.', 'All done.'])).toEqual([]);
    expect(patterns(['Let me check that.', 'Let me check that.'])).toEqual([]);
  });

  it('treats tool-call ids recorded inside the arguments as volatile (LangGraph passes the whole tool call)', () => {
    const args = (id: string) => JSON.stringify({ name: 'search', args: { q: 'refund policy' }, id, type: 'tool_call' });
    const ids = ['call_a8Xk2mQ9pL3v', 'call_Zq81nB7cR4tw', 'call_0pLm5Nb6Vc2x', 'call_9Hy7Gt5Rf3Ed'];
    expect(run(ids.map((id) => ({ name: 'search', args: args(id), result: '{"hits":[]}' }))).map((draft) => draft.pattern)).toEqual(['identical_calls']);
  });

  it('does not flag two retries', () => {
    expect(run(repeat(2, () => ({ name: 'deploy', args: '{"env":"prod"}', result: null, error: 'timeout' })))).toEqual([]);
  });

  it('flags a cycle A→B→A→B→A→B with the same results', () => {
    const calls = repeat(6, (i) => (i % 2 === 0 ? { name: 'read_file', args: '{"path":"a.py"}', result: 'x = 1' } : { name: 'run_tests', args: '{}', result: '1 failed' }));
    const drafts = run(calls);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.evidence).toMatchObject({ rule: 'cycle', period: 2, cycles: 3 });
  });

  it('does not flag alternating calls that make progress', () => {
    const calls = repeat(6, (i) => (i % 2 === 0 ? { name: 'fetch', args: `{"url":"u${i}"}`, result: `page ${i}` } : { name: 'summarize', args: `{"n":${i}}`, result: `s${i}` }));
    expect(run(calls)).toEqual([]);
  });

  it('compares JSON held in strings as JSON (MCP text content), volatile fields ignored', () => {
    const result = (i: number) => JSON.stringify({ content: [{ type: 'text', text: JSON.stringify({ fetched_at: `2026-11-20T10:0${i}:00Z`, request_id: `req-${i}`, lines: ['WARN slow query'] }) }], isError: false });
    const calls = [0, 1, 2, 3, 4].map((i) => ({ name: 'read_logs', args: '{"service":"billing"}', result: result(i) }));
    expect(run(calls).map((draft) => draft.pattern)).toEqual(['identical_calls']);
  });

  it('ignores volatile fields such as request ids and timestamps', () => {
    const drafts = run(
      repeat(4, (i) => ({
        name: 'lookup',
        args: `{"sku":"A1","request_id":"${hexId(8)}"}`,
        result: `{"stock":0,"checked_at":"2024-01-0${i + 1}T10:00:00Z"}`,
      })),
    );
    expect(drafts.map((draft) => draft.pattern)).toEqual(['identical_calls']);
  });

  it('flags a framework iteration cap when no repetition explains it', () => {
    const drafts = run([{ name: 'search', args: '{"q":"a"}', result: 'r' }], (traceId, rootId) => [
      makeSpan({ traceId, parentSpanId: rootId, kind: 'llm', name: 'chat', startMs: 1_700_000_050_000, llm: { model: 'm', provider: null, inputTokens: 1, outputTokens: 1, finishReason: 'stop', outputText: 'Agent stopped due to iteration limit or time limit.', toolCallNames: [] } }),
    ]);
    expect(drafts.map((draft) => draft.pattern)).toEqual(['iteration_cap']);
  });
});

describe('tool_loop detector, near-identical results', () => {
  it('treats long results that differ only in a score or a clock time as the same', () => {
    const page = (score: number, at: string) =>
      JSON.stringify({ query: 'refund policy', took: `${score} ms`, checked: `at ${at}`, results: [{ title: 'Refunds within 30 days of delivery', url: 'https://kb.example.com/refunds' }, { title: 'Exchanges and store credit', url: 'https://kb.example.com/exchanges' }] });
    const drafts = run(repeat(5, (i) => ({ name: 'search', args: '{"q":"refund policy"}', result: page(100 + i, `10:0${i}:00`) })));
    expect(drafts.map((draft) => draft.pattern)).toEqual(['identical_calls']);
  });

  it('still tells short progressing results apart', () => {
    expect(run(repeat(6, (i) => ({ name: 'job_status', args: '{"job":"j1"}', result: `{"progress":${(i + 1) * 15}}` })))).toEqual([]);
  });

  it('flags one tool failing again and again whatever its arguments, as one flag with its count and cost', () => {
    const flights = ['HAT030', 'HAT271', 'HAT112', 'HAT009'];
    const drafts = run(flights.map((flight, index) => ({ name: 'update_reservation', args: `{"flight":"${flight}","date":"2024-05-1${index}"}`, result: `Error: flight ${flight} not available on date 2024-05-1${index}` })));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.evidence).toMatchObject({ rule: 'failing_tool', tool: 'update_reservation', repeats: 4, distinctArguments: 4 });
    expect(drafts[0]!.summary).toMatch(/failed 4 times with the same error/);
    expect((drafts[0]!.evidence.inputTokens as number) > 0).toBe(true);
  });

  it('does not flag failures of one tool that each fail differently, or that a success interrupts', () => {
    expect(run([
      { name: 'run', args: '{"c":1}', result: 'Error: name x is not defined' },
      { name: 'run', args: '{"c":2}', result: 'Error: module pandas not found' },
      { name: 'run', args: '{"c":3}', result: 'Error: division by zero' },
    ])).toEqual([]);
    expect(run([
      { name: 'book', args: '{"f":"A1"}', result: 'Error: flight A1 full' },
      { name: 'book', args: '{"f":"B2"}', result: 'Error: flight B2 full' },
      { name: 'book', args: '{"f":"C3"}', result: '{"booked":true}' },
      { name: 'book', args: '{"f":"D4"}', result: 'Error: flight D4 full' },
    ])).toEqual([]);
  });

  it('treats the spellings of "no arguments" as the same call', () => {
    const drafts = run(['', '{}', '{"": ""}', 'null'].map((args) => ({ name: 'get_status', args, result: '{"state":"stuck"}' })));
    expect(drafts).toMatchObject([{ evidence: { rule: 'identical_calls', repeats: 4 } }]);
  });

  it('flags a model that says twice that it is going round in circles (a Magentic-One ledger)', () => {
    const ledger = (loop: boolean) => JSON.stringify({ is_in_loop: { reason: 'We keep visiting the same page.', answer: loop }, is_progress_being_made: { reason: '…', answer: !loop } }, null, 2);
    const turn = (traceId: string, rootId: string, index: number, loop: boolean) =>
      makeSpan({ traceId, parentSpanId: rootId, kind: 'llm', name: 'chat gpt-4o', startMs: 1_700_000_030_000 + index * 1000, durationMs: 400, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 900, outputTokens: 80, finishReason: 'stop', outputText: `Updated Ledger:\n${ledger(loop)}`, toolCallNames: [] } });
    const looping = run([{ name: 'search', args: '{"q":"a"}', result: 'x' }], (traceId, rootId) => [turn(traceId, rootId, 0, true), turn(traceId, rootId, 1, false), turn(traceId, rootId, 2, true)]);
    expect(looping).toMatchObject([{ pattern: 'stuck', evidence: { rule: 'stuck', repeats: 2 } }]);
    expect(run([{ name: 'search', args: '{"q":"a"}', result: 'x' }], (traceId, rootId) => [turn(traceId, rootId, 0, true), turn(traceId, rootId, 1, false)])).toEqual([]);
  });

  it('flags model turns whose actions never ran three times in a row, and reads the iteration cap of AutoGen', () => {
    const reply = (traceId: string, rootId: string, index: number) =>
      makeSpan({ traceId, parentSpanId: rootId, kind: 'llm', name: 'completion', startMs: 1_700_000_030_000 + index * 1000, durationMs: 400, llm: { model: 'gemini', provider: 'google', inputTokens: 900, outputTokens: 80, finishReason: 'stop', outputText: `THOUGHT: two steps (${index}).\n\`\`\`bash\nls\n\`\`\`\n\`\`\`bash\npwd\n\`\`\``, toolCallNames: [] } });
    const drafts = run([{ name: 'bash', args: '{"command":"ls"}', result: '{"returncode":0}' }], (traceId, rootId) => [0, 1, 2].map((index) => reply(traceId, rootId, index)));
    expect(drafts).toMatchObject([{ pattern: 'actions_not_run', evidence: { repeats: 3 } }]);
    const capped = run([{ name: 'search', args: '{"q":"a"}', result: 'x' }], (traceId, rootId) => [
      makeSpan({ traceId, parentSpanId: rootId, kind: 'other', name: 'end', startMs: 1_700_000_050_000, statusMessage: 'Max rounds (30) reached.' }),
    ]);
    expect(capped).toMatchObject([{ pattern: 'iteration_cap' }]);
  });

  it('reads a code agent without tool spans: the same code with the same output three times is a loop', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, kind: 'agent', name: 'team', agent: 'team', startMs: 1_700_000_000_000, durationMs: 60_000 });
    const spans = [root];
    for (let index = 0; index < 3; index++) {
      const step = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'other', name: `Step ${index + 1}`, startMs: 1_700_000_001_000 + index * 5000, durationMs: 4000, attributes: { 'output.value': 'Execution logs:\nexitcode: 0 (execution succeeded)\nCode output: 4' } });
      const code = index === 1 ? '# count them again\nprint( len(rows) )' : 'print( len(rows) )';
      spans.push(step, makeSpan({ traceId, parentSpanId: step.spanId, kind: 'llm', name: 'llm', startMs: 1_700_000_001_000 + index * 5000, durationMs: 1000, llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 10, finishReason: 'stop', outputText: `Checking.\n\`\`\`python\n${code}\n\`\`\``, toolCallNames: [] } }));
    }
    const drafts = toolLoopDetector.detect(buildAnalysisTrace(traceId, spans), { ...context, options: { ...options, toolLoop: { ...options.toolLoop, minRepeats: 3 } } });
    expect(drafts).toMatchObject([{ pattern: 'identical_calls', tool: 'code', evidence: { repeats: 3 } }]);
  });
});
