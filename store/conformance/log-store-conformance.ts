import { describe, expect, it } from 'vitest';
import type { LogRecordInput, LogStore, Storage, StoredSpanSource } from '../api.js';
import type { GenAiContentEvent } from '../../model/normalize/genai-events.js';
import type { NormalizedSpan } from '../../model/span.js';
import { agentRun, spanIdOf, T0_MS, traceIdOf } from './conformance-spans.js';
import { eventually as eventuallyWithin } from './eventually.js';

/**
 * The LogStore's conformance cases (store/api.ts), run by runStorageConformance on every backend.
 * Same rules as the rest of the suite: a fresh empty backend per case, reads retried for up to
 * `settleMs`.
 */
export interface LogConformanceOptions {
  settleMs?: number;
  timeoutMs?: number;
}

const MS_NS = 1_000_000n;
const HOSTILE = "it's \\ a 'test'; DROP TABLE log_records; -- \u0000 😀 <script>alert(1)</script>";

/** One log record of trace `trace`, span `span` (0: none), `atMs` after T0. */
export function logRecordOf(trace: number, span: number, atMs: number, overrides: Partial<LogRecordInput> = {}): LogRecordInput {
  return {
    traceId: trace === 0 ? '' : traceIdOf(trace),
    spanId: span === 0 ? '' : spanIdOf(trace, span),
    timeNs: BigInt(T0_MS + atMs) * MS_NS,
    severityNumber: 9,
    severityText: 'INFO',
    eventName: '',
    body: `line at ${atMs}`,
    attributes: { 'log.case': 'yes' },
    resource: { 'service.name': 'svc' },
    scopeName: 'conformance',
    genAiContent: false,
    ...overrides,
  };
}

/** A GenAI content event (a choice) for trace `trace`, span 2 (the model call of agentRun). */
function choiceOf(trace: number, atMs: number, text: string): LogRecordInput {
  return logRecordOf(trace, 2, atMs, { eventName: 'gen_ai.choice', body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }, attributes: { 'event.name': 'gen_ai.choice' }, genAiContent: true });
}

export function runLogStoreConformance(name: string, open: () => Promise<Storage>, options: LogConformanceOptions = {}): void {
  const settleMs = options.settleMs ?? 0;
  const timeout = options.timeoutMs ?? 20_000;

  const eventually = (check: () => Promise<void>): Promise<void> => eventuallyWithin(settleMs, check);

  function test(title: string, body: (storage: Storage, logs: LogStore) => Promise<void>): void {
    it(
      title,
      async () => {
        const storage = await open();
        try {
          await storage.traces.whenReady();
          expect(storage.logs, `the ${storage.backend} backend offers no LogStore`).toBeDefined();
          await body(storage, storage.logs!);
        } finally {
          await storage.close();
        }
      },
      timeout,
    );
  }

  /** Re-normalises the model call of agentRun(trace) with the joined events' names and texts in its attributes. */
  const renormalizeWith = (seen: { source: StoredSpanSource; events: GenAiContentEvent[] }[]) => (source: StoredSpanSource, events: GenAiContentEvent[]): NormalizedSpan => {
    seen.push({ source, events });
    const trace = parseInt(source.span.traceId, 16);
    const [, llm] = agentRun(trace, T0_MS);
    const texts = events.map((event) => ((event.body as { message?: { content?: string } }).message?.content ?? ''));
    return { ...llm!, attributes: { ...source.span.attributes, 'joined.events': events.map((event) => event.name).join(','), 'joined.texts': texts.join('|') } };
  };

  describe(`log store conformance: ${name}`, () => {
    test('stores records once; lists a span\'s records but not its content events, in time order, bounded, with the total', async (storage, logs) => {
      await storage.traces.writeSpans(agentRun(1, T0_MS), T0_MS);
      const records = [
        logRecordOf(1, 2, 30, { body: { nested: [HOSTILE, 1, true, null] }, severityNumber: 17, severityText: 'ERROR' }),
        logRecordOf(1, 2, 10, { attributes: { hostile: HOSTILE, count: 3, list: ['a', 'b'] } }),
        logRecordOf(1, 2, 20, { eventName: 'app.step', severityNumber: 0, severityText: '' }),
        choiceOf(1, 15, 'not a plain log'),
        logRecordOf(1, 3, 5),
        logRecordOf(0, 0, 1, { body: 'tied to nothing' }),
      ];
      expect(await logs.writeLogRecords(records, T0_MS)).toEqual({ inserted: 6, duplicates: 0 });
      // An exporter's retry (and a duplicate inside one batch) stores nothing twice.
      expect(await logs.writeLogRecords([...records, records[0]!], T0_MS + 1000)).toEqual({ inserted: 0, duplicates: 7 });
      expect(await logs.writeLogRecords([], T0_MS)).toEqual({ inserted: 0, duplicates: 0 });
      await eventually(async () => {
        const first = await logs.listSpanLogs(traceIdOf(1), spanIdOf(1, 2), 2);
        expect(first.total).toBe(3);
        expect(first.records).toEqual([
          { timeNs: ((BigInt(T0_MS) + 10n) * MS_NS).toString(), severityNumber: 9, severityText: 'INFO', eventName: '', body: 'line at 10', attributes: { hostile: HOSTILE, count: 3, list: ['a', 'b'] } },
          { timeNs: ((BigInt(T0_MS) + 20n) * MS_NS).toString(), severityNumber: 0, severityText: '', eventName: 'app.step', body: 'line at 20', attributes: { 'log.case': 'yes' } },
        ]);
        const all = await logs.listSpanLogs(traceIdOf(1), spanIdOf(1, 2), 100);
        expect(all.records.map((record) => record.body)).toEqual(['line at 10', 'line at 20', { nested: [HOSTILE, 1, true, null] }]);
        expect(all.records[2]).toMatchObject({ severityNumber: 17, severityText: 'ERROR' });
        expect(await logs.listSpanLogs(traceIdOf(1), spanIdOf(1, 2), 0)).toEqual({ records: [], total: 3 });
        expect((await logs.listSpanLogs(traceIdOf(1), spanIdOf(1, 3), 10)).total).toBe(1);
        expect(await logs.listSpanLogs(traceIdOf(1), spanIdOf(1, 9), 10)).toEqual({ records: [], total: 0 });
        expect(await logs.listSpanLogs(traceIdOf(9), spanIdOf(9, 2), 10)).toEqual({ records: [], total: 0 });
      });
    });

    test('joins content events into a span stored first, once, and makes its run pending again', async (storage, logs) => {
      await storage.traces.writeSpans(agentRun(2, T0_MS), T0_MS);
      const loaded = await storage.analysis.loadTraces([traceIdOf(2)]);
      await storage.analysis.commitAnalyses({ results: [{ traceId: traceIdOf(2), version: loaded[0]!.version, flags: [], contribution: null }], baselineDeltas: [], expiredBaselines: [], nowMs: T0_MS });
      await eventually(async () => expect((await storage.runs.getRun(traceIdOf(2)))?.analyzed).toBe(true));
      await logs.writeLogRecords([choiceOf(2, 40, 'second'), choiceOf(2, 20, 'first')], T0_MS + 1);
      const key = { traceId: traceIdOf(2), spanId: spanIdOf(2, 2) };
      await eventually(async () => expect(await logs.listUnjoinedContent([traceIdOf(2)])).toEqual([key]));
      const seen: { source: StoredSpanSource; events: GenAiContentEvent[] }[] = [];
      expect(await logs.joinContentEvents([key], renormalizeWith(seen), T0_MS + 2)).toBe(1);
      expect(seen[0]!.source.span).toMatchObject({ traceId: traceIdOf(2), spanId: spanIdOf(2, 2), parentSpanId: spanIdOf(2, 1), name: 'chat gpt-4o', startTimeUnixNano: BigInt(T0_MS + 10) * MS_NS });
      expect(seen[0]!.source.resource).toEqual({ 'service.name': 'svc' });
      expect(seen[0]!.events.map((event) => [event.name, event.timeUnixNano])).toEqual([
        ['gen_ai.choice', BigInt(T0_MS + 20) * MS_NS],
        ['gen_ai.choice', BigInt(T0_MS + 40) * MS_NS],
      ]);
      await eventually(async () => {
        const span = await storage.runs.getRunSpan(traceIdOf(2), spanIdOf(2, 2));
        expect(span?.attributes).toMatchObject({ 'joined.events': 'gen_ai.choice,gen_ai.choice', 'joined.texts': 'first|second' });
        expect(span?.llm).toMatchObject({ model: 'gpt-4o', inputTokens: 100 });
        expect(await logs.listUnjoinedContent([traceIdOf(2)])).toEqual([]);
        expect(await logs.listUnjoinedContent()).toEqual([]);
        expect(await storage.runs.getRun(traceIdOf(2))).toMatchObject({ analyzed: false, spanCount: 3, llmCallCount: 1, inputTokens: 100 });
        expect(await storage.runs.listRunSpans(traceIdOf(2))).toHaveLength(3);
        // Content events are in the span, not among its log records.
        expect(await logs.listSpanLogs(traceIdOf(2), spanIdOf(2, 2), 10)).toEqual({ records: [], total: 0 });
      });
    });

    test('keeps content events that arrive before their span until the span is stored, then joins them all', async (storage, logs) => {
      const key = { traceId: traceIdOf(3), spanId: spanIdOf(3, 2) };
      await logs.writeLogRecords([choiceOf(3, 20, 'early')], T0_MS);
      await eventually(async () => expect(await logs.listUnjoinedContent()).toEqual([key]));
      const seen: { source: StoredSpanSource; events: GenAiContentEvent[] }[] = [];
      expect(await logs.joinContentEvents([key], renormalizeWith(seen), T0_MS + 1)).toBe(0);
      expect(seen).toEqual([]);
      await storage.traces.writeSpans(agentRun(3, T0_MS), T0_MS + 2);
      await logs.writeLogRecords([choiceOf(3, 30, 'late')], T0_MS + 3);
      await eventually(async () => expect(await logs.listUnjoinedContent([traceIdOf(3), traceIdOf(4)])).toEqual([key]));
      expect(await logs.joinContentEvents([key], renormalizeWith(seen), T0_MS + 4)).toBe(1);
      await eventually(async () => {
        expect((await storage.runs.getRunSpan(traceIdOf(3), spanIdOf(3, 2)))?.attributes).toMatchObject({ 'joined.texts': 'early|late' });
        expect(await logs.listUnjoinedContent()).toEqual([]);
      });
    });

    test('retention takes a run\'s log records with it and keeps a live run\'s', async (storage, logs) => {
      const DAY = 86_400_000;
      const nowMs = T0_MS + 10 * DAY;
      await storage.traces.writeSpans(agentRun(5, T0_MS), T0_MS);
      await storage.traces.writeSpans(agentRun(6, nowMs - DAY), nowMs);
      await logs.writeLogRecords([logRecordOf(5, 3, 100), logRecordOf(5, 3, 200), logRecordOf(0, 0, 150), logRecordOf(6, 3, 10 * DAY - DAY + 500)], nowMs);
      await eventually(async () => expect((await logs.listSpanLogs(traceIdOf(5), spanIdOf(5, 3), 10)).total).toBe(2));
      const result = await storage.maintenance.runRetention({ maxAgeDays: 5, maxDatabaseMb: 0, batchMaxRuns: 100 }, { nowMs });
      expect(result).toMatchObject({ deletedRuns: 1, deletedByAge: 1 });
      await eventually(async () => {
        expect(await logs.listSpanLogs(traceIdOf(5), spanIdOf(5, 3), 10)).toEqual({ records: [], total: 0 });
        const kept = await logs.listSpanLogs(traceIdOf(6), spanIdOf(6, 3), 10);
        expect(kept.total).toBe(1);
        expect(kept.records[0]!.body).toBe(`line at ${10 * DAY - DAY + 500}`);
      });
    });
  });
}
