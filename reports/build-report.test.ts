import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import { createSpanWriter } from '../store/span-writer.js';
import { createFlagWriter } from '../store/flag-writer.js';
import { makeSpan, hexId } from '../test/support/normalized-spans.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { buildReport, makeReportId } from './build-report.js';

const DAY_MS = 86_400_000;
const UNTIL = Date.UTC(2026, 10, 23, 2, 0, 0);
const SINCE = UNTIL - DAY_MS;

/** One run: a root agent span and the given child spans (duration in ms), all at `startMs`. */
function writeRun(db: Db, startMs: number, children: { operation: string; durationMs: number }[], options: { status?: 'ok' | 'error'; agent?: string } = {}): string {
  const traceId = hexId(16);
  const rootId = hexId(8);
  const root = makeSpan({ traceId, spanId: rootId, startMs, durationMs: 1000, kind: 'agent', status: options.status ?? 'ok', agent: options.agent ?? 'a1', operation: 'agent:a1' });
  const spans = children.map((child, index) =>
    makeSpan({ traceId, parentSpanId: rootId, startMs: startMs + index, durationMs: child.durationMs, kind: 'tool', operation: child.operation, agent: options.agent ?? 'a1', tool: { name: child.operation.replace('tool:', ''), arguments: '{}', result: '{}' } }),
  );
  createSpanWriter(db)([root, ...spans], startMs);
  return traceId;
}

function flag(db: Db, traceId: string, startMs: number, signature: string, detector: 'tool_loop' | 'silent_failure' = 'tool_loop', evidence: Record<string, unknown> = {}): void {
  createFlagWriter(db).replaceFlags(
    traceId,
    [{ id: hexId(8), traceId, detector, severity: 'critical', summary: 'loop', spanIds: [], evidence, signature, service: 'test-agent', agent: 'a1', tool: 'search', runStartNs: BigInt(startMs) * 1_000_000n }],
    UNTIL,
  );
}

/** The report queries of the SQLite backend over `db`. */
const queriesOf = (db: Db) => createSqliteStorage(db, { path: ':memory:' }).reportQueries;

describe('buildReport', () => {
  it('computes nearest-rank p50, p95 and p99 per operation', async () => {
    const db = openDatabase(':memory:');
    writeRun(db, SINCE + 1000, Array.from({ length: 100 }, (_, i) => ({ operation: 'tool:search', durationMs: i + 1 })));
    const report = await buildReport(queriesOf(db), { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' });
    const search = report.latency.find((item) => item.operation === 'tool:search');
    expect(search).toMatchObject({ count: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, baseline: null, regression: false });
  });

  it('calls a slower p95 a regression only past both the ratio and the absolute floor', async () => {
    const db = openDatabase(':memory:');
    for (let day = 1; day <= 7; day++) writeRun(db, SINCE - day * DAY_MS + 5000, Array.from({ length: 10 }, () => ({ operation: 'tool:slow', durationMs: 200 })).concat(Array.from({ length: 10 }, () => ({ operation: 'tool:fast', durationMs: 2 }))));
    writeRun(db, SINCE + 5000, Array.from({ length: 10 }, () => ({ operation: 'tool:slow', durationMs: 600 })).concat(Array.from({ length: 10 }, () => ({ operation: 'tool:fast', durationMs: 6 }))));
    const report = await buildReport(queriesOf(db), { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' });
    expect(report.regressions.map((item) => item.operation)).toEqual(['tool:slow']);
    expect(report.latency.find((item) => item.operation === 'tool:fast')).toMatchObject({ p95Ratio: 3, regression: false });
  });

  it('marks a signature new only when nothing with it happened before the period', async () => {
    const db = openDatabase(':memory:');
    const old = writeRun(db, SINCE - 3 * DAY_MS, [{ operation: 'tool:search', durationMs: 5 }]);
    flag(db, old, SINCE - 3 * DAY_MS, 'sig-old');
    for (const [index, signature] of ['sig-old', 'sig-new', 'sig-new'].entries()) {
      const startMs = SINCE + 60_000 * (index + 1);
      flag(db, writeRun(db, startMs, [{ operation: 'tool:search', durationMs: 5 }]), startMs, signature);
    }
    const later = writeRun(db, UNTIL + 1000, [{ operation: 'tool:search', durationMs: 5 }]);
    flag(db, later, UNTIL + 1000, 'sig-later');
    const report = await buildReport(queriesOf(db), { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' });
    const bySignature = Object.fromEntries(report.signatures.map((item) => [item.signature, item]));
    expect(Object.keys(bySignature).sort()).toEqual(['sig-new', 'sig-old']);
    expect(bySignature['sig-new']).toMatchObject({ count: 2, runs: 2, isNew: true, tool: 'search' });
    expect(bySignature['sig-old']).toMatchObject({ count: 1, isNew: false, firstSeen: new Date(SINCE - 3 * DAY_MS).toISOString() });
    expect(report.summary.newSignatures).toBe(1);
  });

  it('takes loop cost from the flag evidence and falls back to the run totals', async () => {
    const db = openDatabase(':memory:');
    const measured = writeRun(db, SINCE + 1000, [{ operation: 'tool:search', durationMs: 5 }]);
    flag(db, measured, SINCE + 1000, 's1', 'tool_loop', { inputTokens: 1200, outputTokens: 34, durationMs: 4200 });
    const unmeasured = writeRun(db, SINCE + 2000, [{ operation: 'tool:search', durationMs: 5 }]);
    flag(db, unmeasured, SINCE + 2000, 's2', 'tool_loop', {});
    const report = await buildReport(queriesOf(db), { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' });
    expect(report.burn.loops.top.find((item) => item.traceId === measured)).toMatchObject({ tokens: 1234, durationMs: 4200, source: 'evidence' });
    expect(report.burn.loops.top.find((item) => item.traceId === unmeasured)).toMatchObject({ tokens: 0, durationMs: 1000, source: 'run' });
  });

  it('refuses an empty period', async () => {
    await expect(buildReport(queriesOf(openDatabase(':memory:')), { id: 'r', sinceMs: UNTIL, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' })).rejects.toThrow(RangeError);
  });

  it('names reports by the end of their period', () => {
    expect(makeReportId(UNTIL, () => 0.5)).toBe('20261123T020000Z-8000');
  });
});
