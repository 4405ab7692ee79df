import { describe, expect, it } from 'vitest';
import { InvalidCursorError, suppressionId, type FlagRecord, type Storage } from '../api.js';
import { agentRun, spanIdOf, spanOf, T0_MS, traceIdOf } from './conformance-spans.js';
import { costOfUsage, createPriceList } from '../../model/pricing/price-list.js';
import { runLogStoreConformance } from './log-store-conformance.js';
import { eventually as eventuallyWithin } from './eventually.js';

/**
 * The storage conformance suite: every backend runs these cases against its own Storage (like
 * Hono's common.case.test.ts for its routers). `open` must give a FRESH, EMPTY backend each call
 * (a temp file, a new database name); each case closes what it opened.
 *
 * The cases assume only the contracts written in store/api.ts: no SQL, no backend's ids or
 * rounding, async everywhere. Reads that a backend makes visible only eventually (across
 * replicas) are retried by `eventually` for up to `settleMs`.
 */
export interface ConformanceOptions {
  /** How long a read may take to see a resolved write. Default 0 (read-your-writes). */
  settleMs?: number;
  /** Per-case timeout, ms. Default 20 s. */
  timeoutMs?: number;
  /** Whether Maintenance.backup copies to a local file (SQLite) — skipped otherwise. */
  backupToFile?: boolean;
  /** A fresh file path for backup cases. */
  backupPath?: () => string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function flagOf(trace: number, n: number, overrides: Partial<FlagRecord> = {}): FlagRecord {
  return {
    id: `${trace.toString(16).padStart(12, '0')}${n.toString(16).padStart(4, '0')}`,
    traceId: traceIdOf(trace),
    detector: 'tool_loop',
    severity: 'warning',
    summary: `flag ${n} of run ${trace}`,
    spanIds: [spanIdOf(trace, 3)],
    evidence: { calls: n },
    signature: `tool_loop|planner|search|same_call`,
    service: 'svc',
    agent: 'planner',
    tool: 'search',
    runStartNs: 0n,
    ...overrides,
  };
}

export function runStorageConformance(name: string, open: () => Promise<Storage>, options: ConformanceOptions = {}): void {
  const settleMs = options.settleMs ?? 0;
  const timeout = options.timeoutMs ?? 20_000;

  const eventually = (check: () => Promise<void>): Promise<void> => eventuallyWithin(settleMs, check);

  /** A case with a fresh backend, closed afterwards. */
  function test(title: string, body: (storage: Storage) => Promise<void>): void {
    it(
      title,
      async () => {
        const storage = await open();
        try {
          await storage.traces.whenReady();
          await body(storage);
        } finally {
          await storage.close();
        }
      },
      timeout,
    );
  }

  /** Writes runs, loads and commits them with the given flags (by trace number). */
  async function analyse(storage: Storage, flagsByTrace: Map<number, FlagRecord[]>, nowMs = T0_MS) {
    const loaded = await storage.analysis.loadTraces([...flagsByTrace.keys()].map(traceIdOf));
    return storage.analysis.commitAnalyses({
      results: loaded.map((trace) => {
        const number = parseInt(trace.traceId, 16);
        const runStartNs = trace.spans.reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), trace.spans[0]?.startTimeUnixNano ?? 0n);
        return { traceId: trace.traceId, version: trace.version, flags: (flagsByTrace.get(number) ?? []).map((flag) => ({ ...flag, runStartNs })), contribution: null };
      }),
      baselineDeltas: [],
      expiredBaselines: [],
      nowMs,
    });
  }

  describe(`storage conformance: ${name}`, () => {
    describe('TraceWriter', () => {
      test('stores a batch and keeps the run totals', async (storage) => {
        const result = await storage.traces.writeSpans(agentRun(1, T0_MS, { toolStatus: 'error' }), T0_MS);
        expect(result).toEqual({ inserted: 3, duplicates: 0, traceIds: [traceIdOf(1)] });
        await eventually(async () => {
          expect(await storage.runs.getRun(traceIdOf(1))).toMatchObject({
            traceId: traceIdOf(1),
            service: 'svc',
            agent: 'planner',
            name: 'invoke_agent planner',
            startTime: new Date(T0_MS).toISOString(),
            durationMs: 1000,
            spanCount: 3,
            llmCallCount: 1,
            toolCallCount: 1,
            errorCount: 1,
            status: 'ok',
            inputTokens: 100,
            outputTokens: 20,
            flags: [],
            analyzed: false,
          });
        });
      });

      test('is idempotent: a re-sent batch stores nothing twice and changes no total', async (storage) => {
        const spans = agentRun(2, T0_MS);
        await storage.traces.writeSpans(spans, T0_MS);
        expect(await storage.traces.writeSpans(spans, T0_MS + 1000)).toMatchObject({ inserted: 0, duplicates: 3 });
        // Duplicates within one batch count once too.
        const extra = spanOf({ trace: 2, span: 9, parent: 1, startMs: T0_MS + 900, durationMs: 5 });
        expect(await storage.traces.writeSpans([extra, extra, spans[0]!], T0_MS + 2000)).toMatchObject({ inserted: 1, duplicates: 2 });
        await eventually(async () => {
          expect(await storage.runs.getRun(traceIdOf(2))).toMatchObject({ spanCount: 4, llmCallCount: 1, inputTokens: 100 });
          expect(await storage.runs.listRunSpans(traceIdOf(2))).toHaveLength(4);
        });
      });

      test('adds late spans to the run and makes it pending again; the root names the run whenever it comes', async (storage) => {
        const [root, llm, tool] = agentRun(3, T0_MS);
        await storage.traces.writeSpans([llm!, tool!], T0_MS);
        await eventually(async () => expect(await storage.runs.getRun(traceIdOf(3))).toMatchObject({ name: 'chat gpt-4o', status: 'unset', spanCount: 2 }));
        await storage.traces.writeSpans([root!], T0_MS + 10);
        await eventually(async () => expect(await storage.runs.getRun(traceIdOf(3))).toMatchObject({ name: 'invoke_agent planner', status: 'ok', spanCount: 3, durationMs: 1000 }));
        await analyse(storage, new Map([[3, []]]));
        await eventually(async () => expect((await storage.runs.getRun(traceIdOf(3)))?.analyzed).toBe(true));
        await storage.traces.writeSpans([spanOf({ trace: 3, span: 7, parent: 1, startMs: T0_MS + 500, durationMs: 10 })], T0_MS + 20);
        await eventually(async () => {
          expect((await storage.runs.getRun(traceIdOf(3)))?.analyzed).toBe(false);
          expect(await storage.analysis.countPending()).toBe(1);
        });
      });
    });

    describe('RunQueries', () => {
      async function sevenRuns(storage: Storage): Promise<void> {
        for (let n = 1; n <= 7; n++) {
          await storage.traces.writeSpans(agentRun(n, T0_MS + n * 60_000, { service: n % 2 === 0 ? 'even' : 'odd', agent: n <= 3 ? 'early' : 'late', rootStatus: n === 5 ? 'error' : 'ok' }), T0_MS);
        }
      }

      test('pages runs newest first without repeating one, and back in ascending order', async (storage) => {
        await sevenRuns(storage);
        await eventually(async () => {
          const seen: string[] = [];
          let cursor: string | undefined;
          const sizes: number[] = [];
          do {
            const page = await storage.runs.listRuns({ limit: 3, cursor });
            sizes.push(page.runs.length);
            seen.push(...page.runs.map((run) => run.traceId));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          expect(sizes).toEqual([3, 3, 1]);
          expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1].map(traceIdOf));
          const ascending = await storage.runs.listRuns({ order: 'asc', limit: 2 });
          expect(ascending.runs.map((run) => run.traceId)).toEqual([1, 2].map(traceIdOf));
          const next = await storage.runs.listRuns({ order: 'asc', limit: 2, cursor: ascending.nextCursor! });
          expect(next.runs.map((run) => run.traceId)).toEqual([3, 4].map(traceIdOf));
        });
      });

      test('filters runs by service, agent, status, time and text, and refuses a foreign cursor', async (storage) => {
        await sevenRuns(storage);
        await eventually(async () => {
          const ids = async (filter: Parameters<Storage['runs']['listRuns']>[0]) => (await storage.runs.listRuns(filter)).runs.map((run) => parseInt(run.traceId, 16));
          expect(await ids({ service: 'even' })).toEqual([6, 4, 2]);
          expect(await ids({ agent: 'early' })).toEqual([3, 2, 1]);
          expect(await ids({ status: 'error' })).toEqual([5]);
          expect(await ids({ sinceMs: T0_MS + 3 * 60_000, untilMs: T0_MS + 5 * 60_000 })).toEqual([4, 3]);
          expect(await ids({ q: 'invoke_agent lat' })).toEqual([7, 6, 5, 4]);
          expect(await ids({ sort: 'spans', order: 'asc', limit: 2 })).toEqual([1, 2]);
        });
        await expect(storage.runs.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(RangeError);
        await expect(storage.runs.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      test('reads a run, its spans, waterfall, conversation and facets; unknown ids are null or empty', async (storage) => {
        await storage.traces.writeSpans(agentRun(8, T0_MS, { session: 'conv-1' }), T0_MS);
        await eventually(async () => {
          expect(await storage.runs.getRun(traceIdOf(99))).toBeNull();
          expect(await storage.runs.listRunSpans(traceIdOf(99))).toEqual([]);
          expect(await storage.runs.getRunSpan(traceIdOf(8), spanIdOf(8, 99))).toBeNull();
          const spans = await storage.runs.listRunSpans(traceIdOf(8));
          expect(spans.map((span) => span.spanId)).toEqual([1, 2, 3].map((n) => spanIdOf(8, n)));
          expect(spans[2]).toMatchObject({ kind: 'tool', tool: { name: 'search', arguments: '{"q":"lisbon"}', result: '["hit"]' }, attributes: { 'conformance.case': 'yes' }, durationMs: 200 });
          expect(spans[1]).toMatchObject({ kind: 'llm', llm: { model: 'gpt-4o', inputTokens: 100, outputTokens: 20, finishReason: 'stop' } });
          expect(await storage.runs.getRunSpan(traceIdOf(8), spanIdOf(8, 3))).toEqual(spans[2]);
          const waterfall = await storage.runs.listWaterfallSpans(traceIdOf(8));
          expect(waterfall.map((row) => [row.spanId, row.toolName, row.model, row.tokens])).toEqual([
            [spanIdOf(8, 1), null, null, null],
            [spanIdOf(8, 2), null, 'gpt-4o', 120],
            [spanIdOf(8, 3), 'search', null, null],
          ]);
          expect((await storage.runs.listConversationSpans(traceIdOf(8))).map((span) => span.kind)).toEqual(['llm', 'tool']);
          const facets = await storage.runs.listRunFacets();
          expect(facets.services).toEqual(['svc']);
          expect(facets.agents).toEqual(['planner']);
          expect(await storage.runs.findTraceIdsByPrefix(traceIdOf(8).slice(0, 31))).toEqual([traceIdOf(8)]);
          expect(await storage.runs.findTraceIdsByPrefix('zz')).toEqual([]);
          expect((await storage.runs.getRuns([traceIdOf(99), traceIdOf(8)])).map((run) => run.traceId)).toEqual([traceIdOf(8)]);
          expect((await storage.runs.getRun(traceIdOf(8)))?.sessionId).toBe('conv-1');
        });
      });

      test("keeps a run's first input and final answer, and finds runs by every word of a span's text", async (storage) => {
        const [root, llm, tool] = agentRun(10, T0_MS);
        const told = { ...root!, attributes: { 'input.value': 'Plan a TRIP to Lisbôn', 'output.value': 'Take the night train' } };
        await storage.traces.writeSpans([told, llm!, tool!], T0_MS);
        await storage.traces.writeSpans(agentRun(11, T0_MS + 60_000), T0_MS);
        await eventually(async () => {
          expect(await storage.runs.getRun(traceIdOf(10))).toMatchObject({ input: 'Plan a TRIP to Lisbôn', output: 'Take the night train' });
          // No agent text: the model call's answer stands for the run's.
          expect(await storage.runs.getRun(traceIdOf(11))).toMatchObject({ input: null, output: 'The answer.' });
          const ids = async (q: string) => (await storage.runs.listRuns({ q })).runs.map((run) => parseInt(run.traceId, 16));
          expect(await ids('night TRAIN')).toEqual([10]);
          // Case and diacritics folded; the last word of 3+ letters also as a prefix.
          expect(await ids('trip lisbon')).toEqual([10]);
          expect(await ids('plan lisb')).toEqual([10]);
          // Tool arguments and results, and model answers, of every run.
          expect(await ids('lisbon hit')).toEqual([11, 10]);
          expect(await ids('answer')).toEqual([11, 10]);
          // Whole words except the last: "lis" is no word of either run.
          expect(await ids('lis trip')).toEqual([]);
          expect(await ids('zebra')).toEqual([]);
          expect(await ids("'; DROP \"x")).toEqual([]);
        });
      });

      test('summarises a window for the overview and the latency view', async (storage) => {
        for (let n = 1; n <= 4; n++) await storage.traces.writeSpans(agentRun(n, T0_MS + n * 60_000, { toolMs: n === 4 ? 5000 : 200, toolStatus: n === 2 ? 'error' : 'ok' }), T0_MS);
        await analyse(storage, new Map([[4, [flagOf(4, 1, { detector: 'latency_spike', severity: 'critical', spanIds: [spanIdOf(4, 3)] })]], [1, []], [2, []], [3, []]]));
        await eventually(async () => {
          const overview = await storage.runs.readOverview({ sinceMs: T0_MS, untilMs: T0_MS + HOUR, bucketMs: 10 * 60_000 });
          expect(overview.totals).toMatchObject({ runs: 4, flaggedRuns: 1, flags: 1, unreviewedFlags: 1, llmCalls: 4, toolCalls: 4, tokens: 480 });
          expect(overview.buckets).toHaveLength(6);
          expect(overview.latestFlags.map((flag) => flag.traceId)).toEqual([traceIdOf(4)]);
          expect(overview.worstTools[0]).toMatchObject({ tool: 'search', calls: 4, errors: 1, flags: 1 });
          const operations = await storage.runs.listOperations(T0_MS, T0_MS + HOUR);
          expect(operations.find((op) => op.operation === 'tool:search')).toEqual({ operation: 'tool:search', calls: 4, spikes: 1 });
          const samples = await storage.runs.listLatencySamples('tool:search', T0_MS, T0_MS + HOUR, 3);
          expect(samples.map((sample) => sample.traceId)).toEqual([2, 3, 4].map(traceIdOf));
          expect(samples[2]).toMatchObject({ spanId: spanIdOf(4, 3), durationMs: 5000 });
          expect(await storage.runs.listSpikeSpanKeys('tool:search', T0_MS, T0_MS + HOUR)).toEqual(new Map([[`${traceIdOf(4)}:${spanIdOf(4, 3)}`, flagOf(4, 1).id]]));
        });
      });
    });

    describe('AnalysisStore', () => {
      test('lists complete traces in start order, all of them with force, and pages by (start, trace id)', async (storage) => {
        for (const n of [3, 1, 2]) await storage.traces.writeSpans(agentRun(n, T0_MS + n * 1000), T0_MS);
        const [, llm] = agentRun(4, T0_MS);
        await storage.traces.writeSpans([llm!], T0_MS); // rootless
        await eventually(async () => {
          expect(await storage.analysis.countPending()).toBe(4);
          const complete = await storage.analysis.listPending({ idleBeforeMs: T0_MS + 1, orphanBeforeMs: T0_MS - 1, limit: 10 });
          expect(complete.map((trace) => trace.traceId)).toEqual([1, 2, 3].map(traceIdOf));
          expect(complete[0]!.startNs).toBe(BigInt(T0_MS + 1000) * 1_000_000n);
          expect(await storage.analysis.listPending({ idleBeforeMs: T0_MS - 1, orphanBeforeMs: T0_MS - 1, limit: 10 })).toEqual([]);
          const all = await storage.analysis.listPending({ idleBeforeMs: 0, orphanBeforeMs: 0, force: true, limit: 2 });
          expect(all.map((trace) => trace.traceId)).toEqual([4, 1].map(traceIdOf));
          const rest = await storage.analysis.listPending({ idleBeforeMs: 0, orphanBeforeMs: 0, force: true, limit: 10, after: all[1]! });
          expect(rest.map((trace) => trace.traceId)).toEqual([2, 3].map(traceIdOf));
          expect(await storage.analysis.oldestPendingReceivedMs(T0_MS + 1)).toBe(T0_MS);
        });
      });

      test('loads traces as stored, in the order asked, an unknown one empty', async (storage) => {
        const spans = agentRun(5, T0_MS);
        await storage.traces.writeSpans(spans, T0_MS);
        await eventually(async () => {
          const [unknown, loaded] = await storage.analysis.loadTraces([traceIdOf(98), traceIdOf(5)]);
          expect(unknown).toMatchObject({ traceId: traceIdOf(98), spans: [] });
          expect(loaded!.contribution).toEqual({ spanIds: [], samples: [] });
          expect(loaded!.spans.map((span) => span.spanId)).toEqual(spans.map((span) => span.spanId));
          const tool = loaded!.spans[2]!;
          expect(tool).toMatchObject({ kind: 'tool', tool: spans[2]!.tool, startTimeUnixNano: spans[2]!.startTimeUnixNano, endTimeUnixNano: spans[2]!.endTimeUnixNano, parentSpanId: spanIdOf(5, 1), operation: 'tool:search', resource: { 'service.name': 'svc' } });
          expect(tool.attributes).toEqual({ 'conformance.case': 'yes' });
          expect(loaded!.spans[1]!.llm).toEqual(spans[1]!.llm);
        });
      });

      test('commits flags as one unit, keeps ids and reviews across re-analysis, deletes only unreviewed flags no longer produced', async (storage) => {
        await storage.traces.writeSpans(agentRun(6, T0_MS), T0_MS);
        const [first] = await analyse(storage, new Map([[6, [flagOf(6, 1), flagOf(6, 2, { detector: 'silent_failure', severity: 'critical' }), flagOf(6, 3)]]]), T0_MS + 5);
        expect(first).toMatchObject({ traceId: traceIdOf(6), kept: 0, removed: 0, current: true });
        expect(first!.raised.map((flag) => flag.id).sort()).toEqual([1, 2, 3].map((n) => flagOf(6, n).id).sort());
        expect(first!.raised[0]).toMatchObject({ traceId: traceIdOf(6), createdAt: new Date(T0_MS + 5).toISOString(), review: null });
        await eventually(async () =>
          expect(await storage.runs.getRun(traceIdOf(6))).toMatchObject({ analyzed: true, flags: [{ detector: 'silent_failure', severity: 'critical' }, { detector: 'tool_loop', severity: 'warning' }] }),
        );
        await storage.flags.reviewFlag(flagOf(6, 1).id, { verdict: 'confirmed', note: 'yes' }, T0_MS + 100);
        await storage.analysis.markAllPending();
        // Again: flag 1 (reviewed) and 2 no longer produced, 3 produced again, 4 new.
        const [second] = await analyse(storage, new Map([[6, [flagOf(6, 3, { summary: 'updated' }), flagOf(6, 4)]]]), T0_MS + 200);
        expect(second).toMatchObject({ kept: 1, removed: 1, current: true });
        expect(second!.raised.map((flag) => flag.id)).toEqual([flagOf(6, 4).id]);
        await eventually(async () => {
          const flags = await storage.flags.listFlagsOfTrace(traceIdOf(6));
          expect(flags.map((flag) => flag.id).sort()).toEqual([1, 3, 4].map((n) => flagOf(6, n).id).sort());
          expect(flags.find((flag) => flag.id === flagOf(6, 1).id)?.review).toMatchObject({ verdict: 'confirmed', note: 'yes' });
          const kept = flags.find((flag) => flag.id === flagOf(6, 3).id)!;
          expect(kept).toMatchObject({ summary: 'updated', createdAt: new Date(T0_MS + 5).toISOString() });
        });
        // The same commit again changes nothing.
        await storage.analysis.markAllPending();
        const [third] = await analyse(storage, new Map([[6, [flagOf(6, 3, { summary: 'updated' }), flagOf(6, 4)]]]), T0_MS + 300);
        expect(third).toMatchObject({ kept: 2, removed: 0, raised: [] });
      });

      test('leaves a run pending when spans arrived between load and commit', async (storage) => {
        await storage.traces.writeSpans(agentRun(7, T0_MS), T0_MS);
        const [loaded] = await storage.analysis.loadTraces([traceIdOf(7)]);
        await storage.traces.writeSpans([spanOf({ trace: 7, span: 8, parent: 1, startMs: T0_MS + 700, durationMs: 1 })], T0_MS + 1);
        const [done] = await storage.analysis.commitAnalyses({ results: [{ traceId: traceIdOf(7), version: loaded!.version, flags: [], contribution: null }], baselineDeltas: [], expiredBaselines: [], nowMs: T0_MS + 2 });
        expect(done!.current).toBe(false);
        await eventually(async () => {
          expect((await storage.runs.getRun(traceIdOf(7)))?.analyzed).toBe(false);
          expect(await storage.analysis.countPending()).toBe(1);
        });
        const [again] = await storage.analysis.loadTraces([traceIdOf(7)]);
        expect(again!.version).not.toBe(loaded!.version);
        const [second] = await storage.analysis.commitAnalyses({ results: [{ traceId: traceIdOf(7), version: again!.version, flags: [], contribution: null }], baselineDeltas: [], expiredBaselines: [], nowMs: T0_MS + 3 });
        expect(second!.current).toBe(true);
      });

      test('stores contributions and merges baseline deltas; expired buckets go', async (storage) => {
        await storage.traces.writeSpans(agentRun(9, T0_MS), T0_MS);
        const [loaded] = await storage.analysis.loadTraces([traceIdOf(9)]);
        const contribution = { spanIds: [spanIdOf(9, 3)], samples: [{ key: 'step|svc|tool:search', bucketMs: T0_MS, bin: 200 }] };
        await storage.analysis.commitAnalyses({
          results: [{ traceId: traceIdOf(9), version: loaded!.version, flags: [], contribution }],
          baselineDeltas: [
            { key: 'step|svc|tool:search', bucketStartMs: T0_MS, counts: [[200, 1], [210, 2]] },
            { key: 'old', bucketStartMs: T0_MS - 10 * DAY, counts: [[5, 1]] },
          ],
          expiredBaselines: [],
          nowMs: T0_MS,
        });
        await storage.analysis.commitAnalyses({
          results: [],
          baselineDeltas: [{ key: 'step|svc|tool:search', bucketStartMs: T0_MS, counts: [[200, 3]] }],
          expiredBaselines: [{ key: 'old', beforeMs: T0_MS - DAY }],
          nowMs: T0_MS,
        });
        await eventually(async () => {
          expect((await storage.analysis.loadTraces([traceIdOf(9)]))[0]!.contribution).toEqual(contribution);
          expect(await storage.baselines.readBuckets(['step|svc|tool:search', 'old', 'none'], 0)).toEqual([
            { key: 'step|svc|tool:search', bucketStartMs: T0_MS, n: 6, counts: [[200, 4], [210, 2]] },
          ]);
          expect(await storage.baselines.readBuckets(['step|svc|tool:search'], T0_MS + 1)).toEqual([]);
        });
      });
    });

    describe('FlagStore', () => {
      async function flagged(storage: Storage): Promise<void> {
        for (let n = 1; n <= 3; n++) await storage.traces.writeSpans(agentRun(n, T0_MS + n * 60_000, { agent: n === 3 ? 'other' : 'planner' }), T0_MS);
        await analyse(
          storage,
          new Map([
            [1, [flagOf(1, 1), flagOf(1, 2, { detector: 'silent_failure', severity: 'critical' })]],
            [2, [flagOf(2, 1), flagOf(2, 2), flagOf(2, 3, { severity: 'info' })]],
            [3, [flagOf(3, 1, { agent: 'other', tool: null })]],
          ]),
        );
      }

      test('pages flags newest run first, ties by id, under one limit policy', async (storage) => {
        await flagged(storage);
        await eventually(async () => {
          const ids: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await storage.flags.listFlags({ limit: 2, cursor });
            expect(page.entries.length).toBeLessThanOrEqual(2);
            ids.push(...page.entries.map((entry) => entry.flag.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          expect(ids).toEqual([flagOf(3, 1), flagOf(2, 1), flagOf(2, 2), flagOf(2, 3), flagOf(1, 1), flagOf(1, 2)].map((flag) => flag.id));
          const entry = (await storage.flags.listFlags({ traceId: traceIdOf(3) })).entries[0]!;
          expect(entry).toMatchObject({ service: 'svc', agent: 'other', tool: null, signature: flagOf(3, 1).signature, runStartMs: T0_MS + 3 * 60_000, runName: 'invoke_agent other' });
          expect((await storage.flags.listFlags({ limit: 100_000 })).entries).toHaveLength(6);
          expect((await storage.flags.listFlags({ limit: 0 })).entries).toHaveLength(1);
        });
        await expect(storage.flags.listFlags({ cursor: 'bogus' })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      test('filters by detector, severity, agent, time and review state, and counts per review state', async (storage) => {
        await flagged(storage);
        await storage.flags.reviewFlag(flagOf(2, 1).id, { verdict: 'false_positive' }, T0_MS);
        await storage.flags.reviewFlag(flagOf(2, 2).id, { verdict: 'confirmed', note: 'seen' }, T0_MS);
        await eventually(async () => {
          const ids = async (filter: Parameters<Storage['flags']['listFlags']>[0]) => (await storage.flags.listFlags(filter)).entries.map((entry) => entry.flag.id);
          expect(await ids({ detector: 'silent_failure' })).toEqual([flagOf(1, 2).id]);
          expect(await ids({ severity: 'info' })).toEqual([flagOf(2, 3).id]);
          expect(await ids({ agent: 'other' })).toEqual([flagOf(3, 1).id]);
          expect(await ids({ sinceMs: T0_MS + 2 * 60_000, untilMs: T0_MS + 3 * 60_000 })).toEqual([2, 2, 2].map((_, i) => flagOf(2, i + 1).id));
          expect(await ids({ review: 'unreviewed', traceId: traceIdOf(2) })).toEqual([flagOf(2, 3).id]);
          expect(await ids({ review: 'false_positive' })).toEqual([flagOf(2, 1).id]);
          expect(await storage.flags.countFlagsByReview({ review: 'confirmed', traceId: traceIdOf(2) })).toEqual({ unreviewed: 1, confirmed: 1, false_positive: 1 });
        });
      });

      test('reviews, takes a review back, reads one flag; a false positive leaves the run\'s badges', async (storage) => {
        await flagged(storage);
        expect(await storage.flags.reviewFlag('ffffffffffffffff', { verdict: 'confirmed' })).toBeNull();
        expect(await storage.flags.clearReview('ffffffffffffffff')).toBeNull();
        expect(await storage.flags.getFlag('ffffffffffffffff')).toBeNull();
        const reviewed = await storage.flags.reviewFlag(flagOf(3, 1).id, { verdict: 'false_positive', note: 'fine' }, T0_MS + 1000);
        expect(reviewed?.review).toEqual({ verdict: 'false_positive', note: 'fine', at: new Date(T0_MS + 1000).toISOString() });
        await eventually(async () => {
          expect((await storage.runs.getRun(traceIdOf(3)))?.flags).toEqual([]);
          expect((await storage.flags.getFlag(flagOf(3, 1).id))?.flag.review?.verdict).toBe('false_positive');
        });
        expect((await storage.flags.clearReview(flagOf(3, 1).id))?.review).toBeNull();
        await eventually(async () => expect((await storage.runs.getRun(traceIdOf(3)))?.flags).toEqual([{ detector: 'tool_loop', severity: 'warning' }]));
        expect((await storage.flags.getFlags([flagOf(2, 2).id, 'ffffffffffffffff', flagOf(1, 1).id])).map((entry) => entry.flag.id)).toEqual([flagOf(2, 2).id, flagOf(1, 1).id]);
        expect((await storage.flags.listFlagsOfTrace(traceIdOf(1))).map((flag) => flag.severity)).toEqual(['critical', 'warning']);
      });
    });

    describe('SuppressionStore', () => {
      test('adds a rule once under its stable id, lists, reads and deletes it, and versions the rule set', async (storage) => {
        const v0 = await storage.suppressions.suppressionsVersion();
        const rule = { detector: 'tool_loop' as const, scope: 'tool' as const, value: 'search', note: 'noisy', fromFlagId: null };
        const added = await storage.suppressions.addSuppression(rule, T0_MS);
        expect(added).toEqual({ id: suppressionId(rule), detector: 'tool_loop', scope: 'tool', value: 'search', note: 'noisy', fromFlagId: null, createdAt: new Date(T0_MS).toISOString(), createdBy: null });
        expect(await storage.suppressions.addSuppression({ ...rule, note: 'again' }, T0_MS + 5)).toEqual(added);
        const other = await storage.suppressions.addSuppression({ detector: 'silent_failure', scope: 'agent', value: 'a' }, T0_MS + 10);
        const v1 = await storage.suppressions.suppressionsVersion();
        expect(v1).not.toBe(v0);
        await eventually(async () => {
          expect((await storage.suppressions.listSuppressions()).map((item) => item.id)).toEqual([other.id, added.id]);
          expect(await storage.suppressions.getSuppression(added.id)).toEqual(added);
        });
        expect(await storage.suppressions.deleteSuppression(added.id)).toBe(true);
        expect(await storage.suppressions.deleteSuppression(added.id)).toBe(false);
        expect(await storage.suppressions.getSuppression(added.id)).toBeNull();
        expect(await storage.suppressions.suppressionsVersion()).not.toBe(v1);
      });

      test('keeps who made a rule, and the flags rules silenced per run (first time kept, latest rule) with counts per rule', async (storage) => {
        const rule = await storage.suppressions.addSuppression({ detector: 'tool_loop', scope: 'agent', value: 'planner', createdBy: 'ann' }, T0_MS);
        expect(rule.createdBy).toBe('ann');
        const silenced = (trace: number, n: number, ruleId: string) => ({
          traceId: traceIdOf(trace),
          flagId: flagOf(trace, n).id,
          detector: 'tool_loop' as const,
          severity: 'warning' as const,
          summary: `loop ${n}`,
          ruleId,
        });
        await storage.suppressions.recordSilencedFlags([silenced(1, 1, rule.id), silenced(1, 2, rule.id), silenced(2, 1, rule.id)], T0_MS + 1000);
        await storage.suppressions.recordSilencedFlags([silenced(1, 2, 'ffffffffffffffff')], T0_MS + 5000);
        await storage.suppressions.recordSilencedFlags([], T0_MS + 6000);
        await eventually(async () => {
          expect(await storage.suppressions.listSilencedFlags(traceIdOf(1))).toEqual([
            { ...silenced(1, 1, rule.id), atMs: T0_MS + 1000 },
            { ...silenced(1, 2, 'ffffffffffffffff'), atMs: T0_MS + 1000 },
          ]);
          expect(await storage.suppressions.listSilencedFlags(traceIdOf(3))).toEqual([]);
          expect(await storage.suppressions.countSilencedByRule()).toEqual({ [rule.id]: 2, ffffffffffffffff: 1 });
        });
        // A deleted rule's records stay: they say what happened to the run.
        await storage.suppressions.deleteSuppression(rule.id);
        expect(await storage.suppressions.listSilencedFlags(traceIdOf(2))).toHaveLength(1);
      });
    });

    describe('ReportStore and ReportQueries', () => {
      const summary = { runs: 1, failedRuns: 0, failureRate: 0, flags: 0, criticalFlags: 0, signatures: 0, newSignatures: 0, latencyRegressions: 0 };
      const report = (n: number) => ({
        id: `2026010${n}T000000Z-abcd`,
        createdAtMs: T0_MS + n * 1000,
        sinceMs: T0_MS - DAY,
        untilMs: T0_MS,
        trigger: 'api' as const,
        summary,
        bodyJson: JSON.stringify({ n }),
        bodyHtml: `<p>${n}</p>`,
        bodyMd: `# ${n}`,
      });

      test('stores reports, pages them newest first, serves each rendering and records delivery', async (storage) => {
        for (const n of [1, 2, 3]) await storage.reports.insertReport(report(n));
        await expect(storage.reports.insertReport(report(1))).rejects.toThrow();
        await eventually(async () => {
          const first = await storage.reports.listReports({ limit: 2 });
          expect(first.reports.map((item) => item.id)).toEqual([report(3).id, report(2).id]);
          const second = await storage.reports.listReports({ limit: 2, cursor: first.nextCursor! });
          expect(second).toMatchObject({ nextCursor: null, reports: [{ id: report(1).id, trigger: 'api', summary, delivery: { status: 'none', attempts: 0, error: null, at: null } }] });
          expect(await storage.reports.getReport(report(2).id)).toMatchObject({ id: report(2).id, body: { n: 2 }, since: new Date(T0_MS - DAY).toISOString() });
          expect(await storage.reports.getReportRendering(report(2).id, 'md')).toBe('# 2');
          expect(await storage.reports.getReportRendering(report(2).id, 'html')).toBe('<p>2</p>');
          expect(await storage.reports.getReportRendering('nope', 'json')).toBeNull();
        });
        await storage.reports.updateReportDelivery(report(2).id, { status: 'failed', attempts: 3, error: 'HTTP 500', atMs: T0_MS + 9000 });
        await storage.reports.setReportFilePath(report(2).id, '/tmp/r2.html');
        await eventually(async () =>
          expect(await storage.reports.getReport(report(2).id)).toMatchObject({ filePath: '/tmp/r2.html', delivery: { status: 'failed', attempts: 3, error: 'HTTP 500', at: new Date(T0_MS + 9000).toISOString() } }),
        );
        await expect(storage.reports.listReports({ cursor: 'bogus' })).rejects.toBeInstanceOf(RangeError);
      });

      test('aggregates a period by span time', async (storage) => {
        for (let n = 1; n <= 3; n++) await storage.traces.writeSpans(agentRun(n, T0_MS + n * 60_000, { rootStatus: n === 1 ? 'error' : 'ok', toolStatus: n === 2 ? 'error' : 'ok' }), T0_MS);
        await storage.traces.writeSpans(agentRun(4, T0_MS - 2 * DAY), T0_MS); // before the period
        await analyse(storage, new Map([[2, [flagOf(2, 1, { detector: 'silent_failure', severity: 'critical' })]], [3, [flagOf(3, 1)]]]));
        const period = { fromMs: T0_MS, toMs: T0_MS + HOUR };
        await eventually(async () => {
          expect(await storage.reportQueries.periodTotals(period)).toEqual({ runs: 3, errorRuns: 1, silentFailureRuns: 1, failedRuns: 2, flaggedRuns: 2, inputTokens: 300, outputTokens: 60 });
          expect(await storage.reportQueries.flagCounts(period)).toEqual([
            { detector: 'silent_failure', severity: 'critical', count: 1 },
            { detector: 'tool_loop', severity: 'warning', count: 1 },
          ]);
          const signatures = await storage.reportQueries.signatures(period);
          expect(signatures.map((row) => [row.signature, row.count, row.runs])).toEqual([[flagOf(2, 1).signature, 2, 2]]);
          expect(signatures[0]).toMatchObject({ severity: 'critical', previousCount: 0, firstSeenMs: T0_MS + 2 * 60_000, lastSeenMs: T0_MS + 3 * 60_000 });
          expect((await storage.reportQueries.worstAgents(period))[0]).toMatchObject({ agent: 'planner', service: 'svc', runs: 3, failedRuns: 2, flags: 2, criticalFlags: 1 });
          expect(await storage.reportQueries.worstTools(period)).toEqual([{ tool: 'search', calls: 3, errors: 1, flags: 2 }]);
          expect(await storage.reportQueries.listOperationKeys()).toEqual(['agent:planner', 'llm:gpt-4o', 'tool:search']);
          expect(await storage.reportQueries.operationLatency(period, 'tool:search')).toMatchObject({ operation: 'tool:search', count: 3, p50Ms: 200 });
          expect(await storage.reportQueries.operationLatency(period, 'tool:none')).toBeNull();
          const burn = await storage.reportQueries.burn(period);
          expect(burn.map((row) => [row.detector, row.traceId]).sort()).toEqual([['silent_failure', traceIdOf(2)], ['tool_loop', traceIdOf(3)]]);
          expect(await storage.reportQueries.series(period, 2 * 60_000)).toEqual([
            { bucket: 0, runs: 1, failedRuns: 1, flags: 0 },
            { bucket: 1, runs: 2, failedRuns: 1, flags: 2 },
          ]);
        });
      });
    });

    describe('ReportQueries: cost and releases', () => {
      test('prices a period by model, agent and the runs each detector flagged, and rates each service.version', async (storage) => {
        const release = (version: string) => (span: ReturnType<typeof agentRun>[number]) => ({ ...span, resource: { ...span.resource, 'service.version': version } });
        await storage.traces.writeSpans(agentRun(1, T0_MS + 60_000, { rootStatus: 'error' }).map(release('1.0')), T0_MS);
        await storage.traces.writeSpans(agentRun(2, T0_MS + 120_000).map(release('1.0')), T0_MS);
        await storage.traces.writeSpans(agentRun(3, T0_MS + 180_000).map(release('1.1')), T0_MS);
        await storage.traces.writeSpans(agentRun(4, T0_MS + 240_000, { agent: 'writer' }), T0_MS); // no release
        await analyse(storage, new Map([[2, [flagOf(2, 1, { detector: 'silent_failure', severity: 'critical' })]], [3, [flagOf(3, 1)]]]));
        const period = { fromMs: T0_MS, toMs: T0_MS + HOUR };
        const oneRun = costOfUsage({ model: 'gpt-4o', inputTokens: 100, outputTokens: 20, cachedInputTokens: 0 }, createPriceList().priceOf('gpt-4o')!);
        await eventually(async () => {
          expect(await storage.reportQueries.versionRates(period)).toEqual([
            { service: 'svc', version: '1.0', runs: 2, failedRuns: 2, flaggedRuns: 1, firstStartMs: T0_MS + 60_000 },
            { service: 'svc', version: '1.1', runs: 1, failedRuns: 0, flaggedRuns: 1, firstStartMs: T0_MS + 180_000 },
          ]);
          const costs = await storage.reportQueries.costs(period);
          expect(costs.totalUsd).toBeCloseTo(4 * oneRun, 9);
          expect(costs.unpricedCalls).toBe(0);
          expect(costs.byModel).toMatchObject([{ model: 'gpt-4o', calls: 4, tokens: 480 }]);
          expect(costs.byAgent.map((row) => [row.key, row.runs, Number(row.costUsd.toFixed(9)), row.partial])).toEqual([
            ['planner', 3, Number((3 * oneRun).toFixed(9)), false],
            ['writer', 1, Number(oneRun.toFixed(9)), false],
          ]);
          expect(costs.burnedByDetector.map((row) => [row.key, row.runs, Number(row.costUsd.toFixed(9))]).sort()).toEqual([
            ['silent_failure', 1, Number(oneRun.toFixed(9))],
            ['tool_loop', 1, Number(oneRun.toFixed(9))],
          ]);
          // A price list without the model: its calls are counted apart, never guessed.
          const unpriced = await storage.reportQueries.costs(period, { priceOf: () => null, entries: () => [] });
          expect(unpriced).toMatchObject({ totalUsd: 0, unpricedCalls: 4 });
        });
      });
    });

    describe('LeaseStore', () => {
      test('grants a lease to one holder until it expires; of claims made together exactly one wins', async (storage) => {
        const hour = HOUR;
        expect(await storage.leases.claimLease('report:1', 'process-a', hour, T0_MS)).toBe(true);
        expect(await storage.leases.claimLease('report:1', 'process-b', hour, T0_MS + 1)).toBe(false);
        expect(await storage.leases.claimLease('report:1', 'process-a', hour, T0_MS + 2)).toBe(true);
        expect(await storage.leases.claimLease('report:2', 'process-b', hour, T0_MS + 3)).toBe(true);
        // Expired: the name can be claimed afresh, and then the old holder is refused.
        expect(await storage.leases.claimLease('report:1', 'process-b', hour, T0_MS + hour + 1)).toBe(true);
        expect(await storage.leases.claimLease('report:1', 'process-a', hour, T0_MS + hour + 2)).toBe(false);
        const together = await Promise.all(['p-3', 'p-1', 'p-2'].map((holder) => storage.leases.claimLease('report:3', holder, hour, T0_MS)));
        expect(together.filter(Boolean)).toHaveLength(1);
        const winner = ['p-3', 'p-1', 'p-2'][together.indexOf(true)]!;
        expect(await storage.leases.claimLease('report:3', winner, hour, T0_MS + 5)).toBe(true);
      });
    });

    describe('Maintenance', () => {
      test('is healthy, reports its size, and retention deletes old runs with everything of their trace', async (storage) => {
        expect(await storage.maintenance.health()).toEqual({ ok: true });
        const nowMs = T0_MS + 10 * DAY;
        await storage.traces.writeSpans(agentRun(1, T0_MS), T0_MS);
        await storage.traces.writeSpans(agentRun(2, nowMs - HOUR), nowMs);
        await analyse(storage, new Map([[1, [flagOf(1, 1)]], [2, [flagOf(2, 1)]]]));
        const size = await storage.maintenance.size();
        expect(size.dataBytes).toBeGreaterThan(0);
        const deleted: number[] = [];
        const result = await storage.maintenance.runRetention({ maxAgeDays: 5, maxDatabaseMb: 0, batchMaxRuns: 100 }, { nowMs, onDeleted: (_reason, runs) => deleted.push(runs) });
        expect(result).toMatchObject({ deletedRuns: 1, deletedSpans: 3, deletedByAge: 1, deletedBySize: 0 });
        expect(deleted).toEqual([1]);
        await eventually(async () => {
          expect(await storage.runs.getRun(traceIdOf(1))).toBeNull();
          expect(await storage.runs.listRunSpans(traceIdOf(1))).toEqual([]);
          expect(await storage.flags.listFlagsOfTrace(traceIdOf(1))).toEqual([]);
          expect(await storage.runs.getRun(traceIdOf(2))).not.toBeNull();
          expect((await storage.flags.listFlags()).entries.map((entry) => entry.flag.id)).toEqual([flagOf(2, 1).id]);
        });
        const stopped = await storage.maintenance.runRetention({ maxAgeDays: 0, maxDatabaseMb: 0, batchMaxRuns: 100 }, { nowMs, shouldStop: () => true });
        expect(stopped.deletedRuns).toBe(0);
      });

      if (options.backupToFile && options.backupPath !== undefined) {
        test('backs up a consistent copy to a file', async (storage) => {
          await storage.traces.writeSpans(agentRun(1, T0_MS), T0_MS);
          const result = await storage.maintenance.backup(options.backupPath!());
          expect(result.check).toBe('ok');
          expect(result.bytes).toBeGreaterThan(0);
        });
      }
    });
  });

  runLogStoreConformance(name, open, { settleMs, timeoutMs: timeout });
}
