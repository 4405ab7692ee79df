import { describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite/database.js';
import { createSpanWriter } from './span-writer.js';
import { getRun, getRunSpans, listRuns } from './run-reader.js';
import { hexId, makeSpan } from '../test/support/normalized-spans.js';

function tracePair() {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, name: 'invoke_agent planner', kind: 'agent', agent: 'planner', startMs: 1_700_000_000_000, durationMs: 900, status: 'ok' });
  const llm = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    name: 'chat gpt-4o',
    kind: 'llm',
    startMs: 1_700_000_000_100,
    durationMs: 300,
    llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 120, outputTokens: 30, finishReason: 'stop', outputText: 'hi', toolCallNames: [] },
  });
  const tool = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    name: 'execute_tool search',
    kind: 'tool',
    startMs: 1_700_000_000_500,
    durationMs: 200,
    status: 'error',
    tool: { name: 'search', arguments: '{"q":"x"}', result: null },
  });
  return { traceId, root, llm, tool };
}

describe('span writer', () => {
  it('stores a trace and keeps the run totals', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, root, llm, tool } = tracePair();
    const result = write([llm, tool, root], Date.now());
    expect(result).toEqual({ inserted: 3, duplicates: 0, traceIds: [traceId] });
    const run = getRun(db, traceId)!;
    expect(run).toMatchObject({
      traceId,
      name: 'invoke_agent planner',
      agent: 'planner',
      spanCount: 3,
      llmCallCount: 1,
      toolCallCount: 1,
      errorCount: 1,
      status: 'ok',
      inputTokens: 120,
      outputTokens: 30,
      durationMs: 900,
      startTime: '2023-11-14T22:13:20.000Z',
    });
    const spans = getRunSpans(db, traceId);
    expect(spans.map((span) => span.name)).toEqual(['invoke_agent planner', 'chat gpt-4o', 'execute_tool search']);
    expect(spans[2]!.tool).toEqual({ name: 'search', arguments: '{"q":"x"}', result: null });
  });

  it('stores nothing twice when an exporter retries the same batch', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, root, llm, tool } = tracePair();
    write([root, llm], Date.now());
    const retry = write([root, llm, tool], Date.now());
    expect(retry.inserted).toBe(1);
    expect(retry.duplicates).toBe(2);
    expect(getRun(db, traceId)).toMatchObject({ spanCount: 3, inputTokens: 120, llmCallCount: 1 });
  });

  it('names a run after its earliest span until the root arrives', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, root, llm, tool } = tracePair();
    write([tool, llm], Date.now());
    expect(getRun(db, traceId)).toMatchObject({ name: 'chat gpt-4o', status: 'unset' });
    write([root], Date.now());
    expect(getRun(db, traceId)).toMatchObject({ name: 'invoke_agent planner', status: 'ok', durationMs: 900 });
  });

  it('pages through runs with a cursor, newest first', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const spans = Array.from({ length: 7 }, (_, i) => makeSpan({ name: `run ${i}`, startMs: 1_700_000_000_000 + i * 1000 }));
    write(spans, Date.now());
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = listRuns(db, { limit: 3, cursor });
      seen.push(...page.runs.map((run) => run.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['run 6', 'run 5', 'run 4', 'run 3', 'run 2', 'run 1', 'run 0']);
    expect(() => listRuns(db, { cursor: 'garbage' })).toThrow(RangeError);
  });
});
