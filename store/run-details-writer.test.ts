import { describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite/database.js';
import { createSpanWriter } from './span-writer.js';
import { getRun, listRunFacets, listRuns } from './run-reader.js';
import { createPriceList } from '../model/pricing/price-list.js';
import { hexId, makeSpan } from '../test/support/normalized-spans.js';
import type { NormalizedSpan } from '../model/span.js';

const T0 = 1_700_000_000_000;

function run(options: { question: string; answer: string; model?: string; tool?: { name: string; args: string; result: string }; version?: string; environment?: string; session?: string }) {
  const traceId = hexId(16);
  const resource = { 'service.name': 'travel', ...(options.version ? { 'service.version': options.version } : {}), ...(options.environment ? { 'deployment.environment.name': options.environment } : {}) };
  const root = makeSpan({
    traceId,
    name: 'invoke_agent planner',
    kind: 'agent',
    agent: 'planner',
    sessionId: options.session ?? null,
    startMs: T0,
    durationMs: 900,
    resource,
    attributes: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: options.question }] }]) },
  });
  const model = options.model ?? 'gpt-4o';
  const llm = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    kind: 'llm',
    startMs: T0 + 100,
    durationMs: 300,
    resource,
    attributes: {
      'gen_ai.system_instructions': 'You are a travel agent.',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: options.question }] }]),
      'gen_ai.usage.cache_read.input_tokens': 400,
    },
    llm: { model, provider: 'openai', inputTokens: 1000, outputTokens: 200, finishReason: 'stop', outputText: options.answer, toolCallNames: [] },
  });
  const spans: NormalizedSpan[] = [root, llm];
  if (options.tool) {
    spans.push(
      makeSpan({
        traceId,
        parentSpanId: root.spanId,
        kind: 'tool',
        startMs: T0 + 50,
        resource,
        tool: { name: options.tool.name, arguments: options.tool.args, result: options.tool.result },
      }),
    );
  }
  return { traceId, spans };
}

describe('run details at ingest', () => {
  it('keeps the input, the final answer, the model, release and environment of a run', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, spans } = run({ question: 'Find me a flight to Lisbon', answer: 'Booked TP 1234 to Lisbon.', version: '1.4.2', environment: 'production', session: 'conv-1' });
    // Two batches, the model call first: the root's input still wins over the model call's.
    write([spans[1]!], T0);
    write([spans[0]!], T0);
    expect(getRun(db, traceId)).toMatchObject({
      input: 'Find me a flight to Lisbon',
      output: 'Booked TP 1234 to Lisbon.',
      model: 'gpt-4o',
      serviceVersion: '1.4.2',
      environment: 'production',
      sessionId: 'conv-1',
    });
  });

  it('prices a run from its model usage, cached input tokens at the cached rate', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, spans } = run({ question: 'q', answer: 'a' });
    write(spans, T0);
    // gpt-4o: 600 × $2.50 + 400 × $1.25 + 200 × $10 per million.
    expect(getRun(db, traceId)!.costUsd).toBeCloseTo((600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6, 10);
    const custom = createPriceList([{ model: 'gpt-4o', input: 1, output: 1, cachedInput: 1 }]);
    expect(getRun(db, traceId, custom)!.costUsd).toBeCloseTo(1200 / 1e6, 10);
  });

  it('gives a null cost when a model has no price', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const { traceId, spans } = run({ question: 'q', answer: 'a', model: 'in-house-llm-7b' });
    write(spans, T0);
    expect(getRun(db, traceId)!.costUsd).toBeNull();
    expect(getRun(db, traceId, createPriceList([{ model: 'in-house-llm', input: 1, output: 2, cachedInput: 1 }]))!.costUsd).toBeCloseTo((1000 + 400) / 1e6, 10);
  });

  it('finds runs by words in prompts, answers, tool arguments and results, and filters by model, version and environment', () => {
    const db = openDatabase(':memory:');
    const write = createSpanWriter(db);
    const lisbon = run({ question: 'Find me a flight to Lisbon', answer: 'Booked.', version: '1.0.0', environment: 'staging' });
    const tool = run({ question: 'Weather?', answer: 'Sunny.', model: 'claude-sonnet-4-5', tool: { name: 'weather', args: '{"city":"Reykjavík"}', result: '{"forecast":"blizzard"}' }, version: '2.0.0', environment: 'production' });
    write([...lisbon.spans, ...tool.spans], T0);
    const ids = (filter: Parameters<typeof listRuns>[1]) => listRuns(db, filter).runs.map((r) => r.traceId);
    expect(ids({ q: 'lisbon' })).toEqual([lisbon.traceId]);
    expect(ids({ q: 'LISB' })).toEqual([lisbon.traceId]);
    expect(ids({ q: 'reykjavik' })).toEqual([tool.traceId]);
    expect(ids({ q: 'blizzard' })).toEqual([tool.traceId]);
    expect(ids({ q: 'travel agent' }).sort()).toEqual([lisbon.traceId, tool.traceId].sort());
    expect(ids({ q: '"OR *' })).toEqual([]);
    expect(ids({ model: 'claude-sonnet-4-5' })).toEqual([tool.traceId]);
    expect(ids({ version: '1.0.0' })).toEqual([lisbon.traceId]);
    expect(ids({ environment: 'production' })).toEqual([tool.traceId]);
    expect(listRunFacets(db)).toMatchObject({ models: ['claude-sonnet-4-5', 'gpt-4o'], versions: ['2.0.0', '1.0.0'], environments: ['production', 'staging'] });
  });

  it('forgets the words of deleted spans', () => {
    const db = openDatabase(':memory:');
    createSpanWriter(db)(run({ question: 'Lisbon', answer: 'ok' }).spans, T0);
    db.exec('DELETE FROM spans');
    expect((db.prepare("SELECT count(*) AS n FROM span_search WHERE span_search MATCH 'lisbon'").get() as { n: number }).n).toBe(0);
  });
});
