import { describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite/database.js';
import { createSpanWriter } from './span-writer.js';
import { getSession, listSessions } from './session-reader.js';
import { createPriceList } from '../model/pricing/price-list.js';
import { hexId, makeSpan } from '../test/support/normalized-spans.js';

const T0 = 1_700_000_000_000;
const prices = createPriceList();

function writeRun(write: ReturnType<typeof createSpanWriter>, sessionId: string | null, startMs: number, model = 'gpt-4o') {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, kind: 'agent', agent: 'helper', sessionId, startMs, durationMs: 1000 });
  const llm = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    kind: 'llm',
    startMs: startMs + 10,
    llm: { model, provider: null, inputTokens: 1_000_000, outputTokens: 0, finishReason: 'stop', outputText: 'ok', toolCallNames: [] },
  });
  write([root, llm], startMs);
  return traceId;
}

describe('sessions', () => {
  it('lists sessions by latest activity, with totals over all their runs, page by page', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    writeRun(write, 'a', T0);
    writeRun(write, 'b', T0 + 1000);
    writeRun(write, 'a', T0 + 2000);
    writeRun(write, 'c', T0 + 3000, 'unpriced-model');
    writeRun(write, null, T0 + 4000);
    const first = listSessions(db, { limit: 2 }, prices);
    expect(first.sessions.map((s) => s.sessionId)).toEqual(['c', 'a']);
    expect(first.sessions[1]).toMatchObject({ runCount: 2, inputTokens: 2_000_000, costUsd: 5, agent: 'helper' });
    expect(first.sessions[0]!.costUsd).toBeNull();
    const second = listSessions(db, { limit: 2, cursor: first.nextCursor! }, prices);
    expect(second.sessions.map((s) => s.sessionId)).toEqual(['b']);
    expect(second.nextCursor).toBeNull();
    expect(() => listSessions(db, { cursor: 'nonsense' }, prices)).toThrow(RangeError);
  });

  it('reads one session with its runs in time order', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const late = writeRun(write, 's', T0 + 5000);
    const early = writeRun(write, 's', T0);
    const found = getSession(db, 's', prices)!;
    expect(found.runs.map((run) => run.traceId)).toEqual([early, late]);
    expect(found.session).toMatchObject({ runCount: 2, startTime: new Date(T0).toISOString() });
    expect(getSession(db, 'nope', prices)).toBeNull();
  });
});
