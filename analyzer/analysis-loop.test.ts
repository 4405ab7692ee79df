import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import type { Flag } from '../model/api.js';
import type { NormalizedSpan } from '../model/span.js';
import { openDatabase } from '../store/sqlite/database.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { createSpanWriter } from '../store/span-writer.js';
import { suppressFlag } from '../ui/suppress-flag.js';
import { getRun } from '../store/run-reader.js';
import { hexId, makeSpan } from '../test/support/normalized-spans.js';
import { createAnalyzer } from './analysis-loop.js';
import { DETECTORS } from './detectors.js';

const options = configSchema.parse({}).analyzer;
const HOUR = 3_600_000;

function agentRun(startMs: number, toolMs: number, calls: { args: string; result: string }[] = [{ args: '{"q":"a"}', result: '["x"]' }]): NormalizedSpan[] {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, name: 'invoke_agent helper', kind: 'agent', agent: 'helper', operation: 'agent:helper', startMs, durationMs: calls.length * (toolMs + 400) + 500 });
  const spans = [root];
  calls.forEach((call, index) => {
    const at = startMs + 10 + index * (toolMs + 400);
    spans.push(
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat m', operation: 'llm:m', agent: 'helper', startMs: at, durationMs: 300, llm: { model: 'm', provider: null, inputTokens: 10, outputTokens: 5, finishReason: 'tool_call', outputText: '', toolCallNames: ['search'] } }),
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool search', operation: 'tool:search', startMs: at + 350, durationMs: toolMs, tool: { name: 'search', arguments: call.args, result: call.result } }),
    );
  });
  spans.push(
    makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat m', operation: 'llm:m', startMs: startMs + calls.length * (toolMs + 400) + 100, durationMs: 300, llm: { model: 'm', provider: null, inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText: 'Done.', toolCallNames: [] } }),
  );
  return spans;
}

const loopCalls = Array.from({ length: 5 }, () => ({ args: '{"q":"same"}', result: '[]' }));

function setup(extra: Parameters<typeof createAnalyzer>[2] = {}) {
  const db = openDatabase(':memory:');
  const write = createSpanWriter(db);
  const storage = createSqliteStorage(db, { path: ':memory:' });
  const analyzer = createAnalyzer(storage, options, extra);
  return { db, write, analyzer, storage };
}

describe('analysis loop', () => {
  it('flags a looping run, keeps flag ids and reviews across re-analysis', async () => {
    const { db, write, analyzer, storage } = setup();
    const spans = agentRun(Date.UTC(2025, 0, 1), 200, loopCalls);
    const traceId = spans[0]!.traceId;
    write(spans, Date.now());
    expect(await analyzer.analyzePending({ force: true })).toMatchObject({ analyzed: 1, flagged: 1 });
    const [flag] = await storage.flags.listFlagsOfTrace(traceId);
    expect(flag).toMatchObject({ detector: 'tool_loop' });
    expect(getRun(db, traceId)).toMatchObject({ analyzed: true, flags: [{ detector: 'tool_loop', severity: 'warning' }] });
    await storage.flags.reviewFlag(flag!.id, { verdict: 'confirmed', note: 'yes' });
    analyzer.markAllPending();
    const again = await analyzer.analyzePending({ force: true });
    expect(again).toMatchObject({ analyzed: 1, newFlags: 0 });
    expect(await storage.flags.listFlagsOfTrace(traceId)).toEqual([{ ...flag, review: expect.objectContaining({ verdict: 'confirmed', note: 'yes' }) }]);
    db.close();
  });

  it('waits for the idle time before analysing, and re-opens a trace when late spans arrive', async () => {
    let now = Date.UTC(2025, 0, 1, 12);
    const { db, write, analyzer, storage } = setup({ now: () => now });
    const spans = agentRun(now - 60_000, 200, loopCalls.slice(0, 3));
    const traceId = spans[0]!.traceId;
    write(spans, now);
    expect((await analyzer.analyzePending()).analyzed).toBe(0);
    now += options.idle + 1;
    expect((await analyzer.analyzePending()).analyzed).toBe(1);
    expect(await storage.flags.listFlagsOfTrace(traceId)).toEqual([]);
    // Two more identical calls arrive late: now it is a loop.
    const late = agentRun(now - 50_000, 200, loopCalls.slice(0, 2)).filter((span) => span.kind === 'tool').map((span) => ({ ...span, traceId, parentSpanId: spans[0]!.spanId }));
    write(late, now);
    expect(getRun(db, traceId)?.analyzed).toBe(false);
    now += options.idle + 1;
    expect((await analyzer.analyzePending()).flagged).toBe(1);
    db.close();
  });

  it('calls onFlagsRaised with new flags only, after commit', async () => {
    const raised: Flag[][] = [];
    const { db, write, analyzer, storage } = setup({ onFlagsRaised: (flags) => raised.push(flags) });
    write(agentRun(Date.UTC(2025, 0, 1), 200, loopCalls), Date.now());
    await analyzer.analyzePending({ force: true });
    analyzer.markAllPending();
    await analyzer.analyzePending({ force: true });
    expect(raised).toHaveLength(1);
    expect((await storage.flags.listFlags()).entries.map((entry) => entry.flag.id).sort()).toEqual(raised[0]!.map((flag) => flag.id).sort());
    db.close();
  });

  it('keeps running the other detectors when one throws', async () => {
    const broken = { id: 'latency_spike' as const, detect: () => { throw new Error('broken detector'); } };
    const { db, write, analyzer } = setup({ detectors: [broken, ...DETECTORS.filter((detector) => detector.id !== 'latency_spike')] });
    write(agentRun(Date.UTC(2025, 0, 1), 200, loopCalls), Date.now());
    const summary = await analyzer.analyzePending({ force: true });
    expect(summary).toMatchObject({ detectorFailures: 1, flagsByDetector: { tool_loop: 1 } });
    db.close();
  });

  it('judges a late, bulk-uploaded spike against history by span time', async () => {
    const { db, write, analyzer, storage } = setup();
    const base = Date.UTC(2025, 0, 1);
    // The spike arrives first; the history before it arrives afterwards (bulk upload).
    const spike = agentRun(base + 30 * HOUR, 9000);
    write(spike, Date.now());
    for (let i = 0; i < 30; i++) write(agentRun(base + i * HOUR, 200 + (i % 5) * 20), Date.now());
    await analyzer.analyzePending({ force: true });
    const flags = await storage.flags.listFlagsOfTrace(spike[0]!.traceId);
    expect(flags.map((flag) => flag.detector)).toEqual(['latency_spike']);
    expect(flags[0]!.evidence).toMatchObject({ rule: 'step', baseline: { samples: 30 } });
    expect((await storage.flags.listFlags({ detector: 'latency_spike' })).entries).toHaveLength(1);
    db.close();
  });

  it('does not raise a flag again once a false positive became a suppression rule', async () => {
    const { db, write, analyzer, storage } = setup();
    const first = agentRun(Date.UTC(2025, 0, 1), 200, loopCalls);
    write(first, Date.now());
    await analyzer.analyzePending({ force: true });
    const [flag] = await storage.flags.listFlagsOfTrace(first[0]!.traceId);
    await expect(suppressFlag(storage, flag!.id, 'tool')).rejects.toThrow(/false_positive/);
    await storage.flags.reviewFlag(flag!.id, { verdict: 'false_positive' });
    expect(await suppressFlag(storage, flag!.id, 'tool')).toMatchObject({ detector: 'tool_loop', scope: 'tool', value: 'search' });
    const second = agentRun(Date.UTC(2025, 0, 2), 200, loopCalls);
    write(second, Date.now());
    const summary = await analyzer.analyzePending({ force: true });
    expect(summary).toMatchObject({ analyzed: 1, suppressed: 1, flagged: 0 });
    db.close();
  });
});
