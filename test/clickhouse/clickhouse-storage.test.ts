import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../store/api.js';
import { createClickHouseStorage, openClickHouseStorage } from '../../store/clickhouse/open-clickhouse-storage.js';
import { createChdbConnection } from './support/chdb-connection.js';
import { startTestCluster } from './support/test-cluster.js';
import { makeSpan } from './support/spans.js';

const HOSTILE = "it's \\ a 'test'; DROP TABLE spans; -- \u0000 \ud800 😀";

function storageSuite(name: string, open: () => Promise<{ storage: Storage; dispose(): Promise<void> }>) {
  describe(name, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, dispose } = await open());
    }, 60_000);
    afterAll(async () => {
      await storage?.close();
      await dispose?.();
    });

    it('stores a trace once, counts a retry as duplicates, and keeps run totals exact', async () => {
      const traceId = 'a'.repeat(32);
      const spans = [
        makeSpan({ traceId, spanId: '1'.repeat(16), name: HOSTILE, durationMs: 500 }),
        makeSpan({ traceId, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), kind: 'llm', name: 'chat', operation: 'llm:gpt', llm: { model: 'gpt', provider: null, inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText: 'hi', toolCallNames: [] } }),
        makeSpan({ traceId, spanId: '3'.repeat(16), parentSpanId: '1'.repeat(16), kind: 'tool', name: 'search', operation: 'tool:search', status: 'error', tool: { name: 'search', arguments: HOSTILE, result: null } }),
      ];
      const first = await storage.traces.writeSpans(spans, Date.now());
      expect(first).toEqual({ inserted: 3, duplicates: 0, traceIds: [traceId] });
      const retry = await storage.traces.writeSpans([...spans, spans[0]!], Date.now());
      expect(retry).toMatchObject({ inserted: 0, duplicates: 4 });

      const run = await storage.runs.getRun(traceId);
      expect(run).toMatchObject({ traceId, name: HOSTILE.replace('\ud800', '\ufffd'), spanCount: 3, llmCallCount: 1, toolCallCount: 1, errorCount: 1, inputTokens: 10, outputTokens: 5, status: 'ok', durationMs: 500, analyzed: false });
      const page = await storage.runs.listRuns({ q: 'DROP TABLE' });
      expect(page.runs.map((r) => r.traceId)).toEqual([traceId]);
      const spansBack = await storage.runs.listRunSpans(traceId);
      expect(spansBack.map((s) => s.spanId).sort()).toEqual(['1'.repeat(16), '2'.repeat(16), '3'.repeat(16)]);
      expect(spansBack.find((s) => s.spanId === '3'.repeat(16))!.tool!.arguments).toBe(HOSTILE);
    });

    it('hands pending runs to the analyser, stores its flags, keeps reviews, and marks the run analysed', async () => {
      const traceId = 'b'.repeat(32);
      await storage.traces.writeSpans([makeSpan({ traceId, spanId: '4'.repeat(16) })], Date.now() - 60_000);
      const pending = await storage.analysis.listPending({ idleBeforeMs: Date.now(), orphanBeforeMs: Date.now(), limit: 100 });
      expect(pending.map((p) => p.traceId)).toContain(traceId);
      const [loaded] = await storage.analysis.loadTraces([traceId]);
      expect(loaded!.spans).toHaveLength(1);
      const flag = { id: 'f-' + traceId, traceId, detector: 'tool_loop' as const, severity: 'warning' as const, summary: HOSTILE, spanIds: ['4'.repeat(16)], evidence: { n: 5 }, signature: 'sig', service: 'svc', agent: 'planner', tool: 'search', runStartNs: loaded!.spans[0]!.startTimeUnixNano };
      const committed = await storage.analysis.commitAnalyses({
        results: [{ traceId, version: loaded!.version, flags: [flag], contribution: { spanIds: ['4'.repeat(16)], samples: [{ key: 'k', bucketMs: 0, bin: 3 }] } }],
        baselineDeltas: [{ key: 'k', bucketStartMs: 0, counts: [[3, 1]] }],
        expiredBaselines: [],
        nowMs: Date.now(),
      });
      expect(committed[0]).toMatchObject({ current: true, kept: 0, removed: 0 });
      expect(committed[0]!.raised.map((f) => f.id)).toEqual([flag.id]);
      expect((await storage.runs.getRun(traceId))!.flags).toEqual([{ detector: 'tool_loop', severity: 'warning' }]);
      expect((await storage.runs.listRuns({ detector: 'tool_loop' })).runs.map((r) => r.traceId)).toEqual([traceId]);
      expect(await storage.flags.reviewFlag(flag.id, { verdict: 'false_positive', note: HOSTILE })).toMatchObject({ review: { verdict: 'false_positive' } });
      expect(await storage.flags.countFlagsByReview({})).toEqual({ unreviewed: 0, confirmed: 0, false_positive: 1 });
      expect((await storage.runs.getRun(traceId))!.flags).toEqual([]);
      expect((await storage.flags.clearReview(flag.id))!.review).toBeNull();
      expect((await storage.runs.getRun(traceId))!.flags).toEqual([{ detector: 'tool_loop', severity: 'warning' }]);
      expect(await storage.flags.countFlagsByReview({})).toEqual({ unreviewed: 1, confirmed: 0, false_positive: 0 });
      await storage.flags.reviewFlag(flag.id, { verdict: 'false_positive', note: HOSTILE });
      const again = await storage.analysis.commitAnalyses({ results: [{ traceId, version: loaded!.version, flags: [], contribution: null }], baselineDeltas: [{ key: 'k', bucketStartMs: 0, counts: [[3, 1]] }], expiredBaselines: [], nowMs: Date.now() });
      expect(again[0]).toMatchObject({ removed: 0, raised: [] });
      expect((await storage.flags.listFlagsOfTrace(traceId)).map((f) => f.review?.verdict)).toEqual(['false_positive']);
      expect(await storage.baselines.readBuckets(['k'], 0)).toEqual([{ key: 'k', bucketStartMs: 0, n: 2, counts: [[3, 2]] }]);
      expect((await storage.analysis.listPending({ idleBeforeMs: Date.now(), orphanBeforeMs: Date.now(), limit: 100 })).map((p) => p.traceId)).not.toContain(traceId);
    });

    it('keeps suppressions and reports, replacing and deleting by id', async () => {
      const rule = await storage.suppressions.addSuppression({ detector: 'tool_loop', scope: 'tool', value: HOSTILE, note: 'n' });
      expect(await storage.suppressions.addSuppression({ detector: 'tool_loop', scope: 'tool', value: HOSTILE })).toEqual(rule);
      expect((await storage.suppressions.listSuppressions()).map((s) => s.id)).toEqual([rule.id]);
      expect(await storage.suppressions.deleteSuppression(rule.id)).toBe(true);
      expect(await storage.suppressions.listSuppressions()).toEqual([]);
      const summary = { runs: 1, failedRuns: 0, failureRate: 0, flags: 0, criticalFlags: 0, signatures: 0, newSignatures: 0, latencyRegressions: 0 };
      await storage.reports.insertReport({ id: 'r1', createdAtMs: 1000, sinceMs: 0, untilMs: 1000, trigger: 'api', summary, bodyJson: '{"a":1}', bodyHtml: HOSTILE, bodyMd: '#' });
      await expect(storage.reports.insertReport({ id: 'r1', createdAtMs: 1000, sinceMs: 0, untilMs: 1000, trigger: 'api', summary, bodyJson: '{}', bodyHtml: '', bodyMd: '' })).rejects.toThrow();
      await storage.reports.updateReportDelivery('r1', { status: 'delivered', attempts: 1, error: null, atMs: 2000 });
      expect(await storage.reports.getReportRendering('r1', 'html')).toBe(HOSTILE.replace('\ud800', '\ufffd'));
      expect((await storage.reports.listReports()).reports.map((r) => [r.id, r.delivery.status])).toEqual([['r1', 'delivered']]);
      const totals = await storage.reportQueries.periodTotals({ fromMs: 0, toMs: Date.now() + 86_400_000 });
      expect(totals.runs).toBe(2);
      expect(totals.flaggedRuns).toBe(0); // its one flag was reviewed a false positive: it counts nowhere
      expect((await storage.runs.readOverview({ sinceMs: 1_764_000_000_000, untilMs: 1_766_000_000_000, bucketMs: 3_600_000 })).totals.runs).toBe(2);
      expect(await storage.maintenance.health()).toEqual({ ok: true });
    });
  });
}

storageSuite('ClickHouse storage on the 18.16 cluster', async () => {
  const cluster = await startTestCluster();
  const storage = await openClickHouseStorage({ urls: cluster.urls, database: 'tracehound', cluster: cluster.cluster, user: 'default', password: '' });
  return { storage, dispose: () => cluster.dispose() };
});

storageSuite('ClickHouse storage on current ClickHouse (chdb)', async () => {
  const storage = await createClickHouseStorage(createChdbConnection(), { database: 'tracehound', cluster: '' });
  return { storage, dispose: async () => {} };
});
