import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlagRecord, Storage } from '../../store/api.js';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { buildReport, versionChanges, type Report, type VersionItem } from '../../reports/build-report.js';
import { renderMarkdown } from '../../reports/render-markdown.js';
import { renderHtml } from '../../reports/render-html.js';
import { costOfUsage, createPriceList } from '../../model/pricing/price-list.js';
import { makeSpan, hexId } from '../support/normalized-spans.js';

/**
 * Issue 17: the report says what the period cost (by model and agent, and burned by loops and
 * silent failures) and when a release's flag rate changed, with counts, over a real SQLite store.
 */

const DAY_MS = 86_400_000;
const UNTIL = Date.UTC(2026, 10, 23, 2, 0, 0);
const SINCE = UNTIL - DAY_MS;
const PRICE = createPriceList().priceOf('gpt-4o')!;
const ONE_RUN_USD = costOfUsage({ model: 'gpt-4o', inputTokens: 1000, outputTokens: 200, cachedInputTokens: 0 }, PRICE);

let dir: string;
let storage: Storage;
let report: Report;

/** One run of `version` (one gpt-4o call of 1,000 + 200 tokens); flagged by `detector` when given. */
function run(startMs: number, version: string, service = 'shop-agent') {
  const traceId = hexId(16);
  const rootId = hexId(8);
  const resource = { 'service.name': service, 'service.version': version };
  return {
    traceId,
    spans: [
      makeSpan({ traceId, spanId: rootId, startMs, durationMs: 1000, kind: 'agent', status: 'ok', agent: 'shopper', service, operation: 'agent:shopper', resource }),
      makeSpan({
        traceId,
        parentSpanId: rootId,
        startMs: startMs + 1,
        durationMs: 400,
        kind: 'llm',
        agent: 'shopper',
        service,
        operation: 'llm:gpt-4o',
        resource,
        llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 1000, outputTokens: 200, finishReason: 'stop', outputText: 'ok', toolCallNames: [] },
      }),
    ],
  };
}

function flag(traceId: string, detector: 'tool_loop' | 'silent_failure'): FlagRecord {
  return { id: hexId(8), traceId, detector, severity: 'warning', summary: 's', spanIds: [], evidence: {}, signature: `${detector}|shopper|-|p`, service: 'shop-agent', agent: 'shopper', tool: null, runStartNs: 0n };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-report-cost-'));
  storage = await openSqliteStorage({ path: join(dir, 'r.db') });
  // Release 1.4 (first): 40 runs, 4 flagged. Release 1.5 (later): 40 runs, 20 flagged — a change.
  // A second service's releases differ by too little to say anything.
  const flags = new Map<string, FlagRecord[]>();
  for (let n = 0; n < 40; n++) {
    const old = run(SINCE + 60_000 + n * 60_000, '1.4');
    const next = run(SINCE + 6 * 3_600_000 + n * 60_000, '1.5');
    const calm = run(SINCE + 60_000 + n * 60_000, `0.${n < 20 ? 1 : 2}`, 'calm-agent');
    for (const item of [old, next, calm]) await storage.traces.writeSpans(item.spans, UNTIL);
    if (n < 4) flags.set(old.traceId, [flag(old.traceId, n < 2 ? 'tool_loop' : 'silent_failure')]);
    if (n < 20) flags.set(next.traceId, [flag(next.traceId, n % 2 === 0 ? 'tool_loop' : 'silent_failure')]);
    if (n === 0 || n === 20) flags.set(calm.traceId, [flag(calm.traceId, 'tool_loop')]);
  }
  const loaded = await storage.analysis.loadTraces([...flags.keys()]);
  await storage.analysis.commitAnalyses({
    results: loaded.map((trace) => ({ traceId: trace.traceId, version: trace.version, flags: flags.get(trace.traceId)!.map((item) => ({ ...item, runStartNs: trace.spans[0]!.startTimeUnixNano })), contribution: null })),
    baselineDeltas: [],
    expiredBaselines: [],
    nowMs: UNTIL,
  });
  report = await buildReport(storage.reportQueries, { id: 'r1', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://tracehound.test' });
}, 60_000);

afterAll(async () => {
  await storage?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the report', () => {
  it('says what the period cost, by model and agent, and what loops and silent failures burned', () => {
    expect(report.cost!.totalUsd).toBeCloseTo(120 * ONE_RUN_USD, 6);
    expect(report.cost!.previousTotalUsd).toBe(0);
    expect(report.cost!.unpricedCalls).toBe(0);
    expect(report.cost!.byModel).toMatchObject([{ model: 'gpt-4o', calls: 120, tokens: 144_000 }]);
    expect(report.cost!.byAgent).toMatchObject([{ agent: 'shopper', runs: 120, partial: false }]);
    // Loops: 2 + 10 + 2 runs; silent failures: 2 + 10.
    expect(report.burn.loops.runs).toBe(14);
    expect(report.burn.loops.costUsd).toBeCloseTo(14 * ONE_RUN_USD, 6);
    expect(report.burn.silentFailures.costUsd).toBeCloseTo(12 * ONE_RUN_USD, 6);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Cost');
    expect(markdown).toMatch(/\*\*Money burned:\*\* \$[\d.]+ in runs with tool loops, \$[\d.]+ in runs that failed silently/);
    expect(renderHtml(report)).toContain('>Cost</h2>');
  });

  it('says when a release is flagged materially more often than the one before it, with counts', () => {
    expect(report.versions!.items.map((item) => [item.service, item.version, item.runs, item.flaggedRuns])).toEqual([
      ['calm-agent', '0.1', 20, 1],
      ['calm-agent', '0.2', 20, 1],
      ['shop-agent', '1.4', 40, 4],
      ['shop-agent', '1.5', 40, 20],
    ]);
    expect(report.versions!.changes).toHaveLength(1);
    const [change] = report.versions!.changes;
    expect(change).toMatchObject({ service: 'shop-agent', direction: 'worse', differencePoints: 40, from: { version: '1.4', flagRate: 0.1 }, to: { version: '1.5', flagRate: 0.5 } });
    expect(change!.z).toBeGreaterThan(2.58);
    expect(change!.to.link).toBe('http://tracehound.test/runs?service=shop-agent&version=1.5');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Failure rate by release');
    expect(markdown).toContain('**shop-agent 1.5** is flagged more often than 1.4: 50% of 40 runs (20 flagged) against 10% of 40 (4), +40.0 pp.');
    expect(renderHtml(report)).toContain('is flagged more often than 1.4: 50% of 40 runs (20 flagged)');
  });

  it('calls no change below the run floor, the points floor, or chance', () => {
    const item = (version: string, runs: number, flaggedRuns: number, firstSeen: string): VersionItem => ({
      service: 's', version, runs, flaggedRuns, flagRate: flaggedRuns / runs, failedRuns: 0, failureRate: 0, firstSeen, link: '',
    });
    // Too few runs; then 3 points apart; then 10 points apart on 30 runs (z ≈ 1.1): none is a change.
    expect(versionChanges([item('a', 10, 0, '2026-01-01'), item('b', 10, 9, '2026-01-02')], 20, 5)).toEqual([]);
    expect(versionChanges([item('a', 1000, 100, '2026-01-01'), item('b', 1000, 130, '2026-01-02')], 20, 5)).toEqual([]);
    expect(versionChanges([item('a', 30, 3, '2026-01-01'), item('b', 30, 6, '2026-01-02')], 20, 5)).toEqual([]);
    // A better release is said too.
    expect(versionChanges([item('a', 100, 50, '2026-01-01'), item('b', 100, 10, '2026-01-02')], 20, 5)).toMatchObject([{ direction: 'better', differencePoints: -40 }]);
  });
});
