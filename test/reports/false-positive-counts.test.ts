import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../store/sqlite/database.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { createFlagWriter } from '../../store/flag-writer.js';
import { listRuns } from '../../store/run-reader.js';
import { readOverview } from '../../store/overview-reader.js';
import { createSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { buildReport } from '../../reports/build-report.js';
import { makeSpan, hexId } from '../support/normalized-spans.js';

/**
 * Issue 17, defect 3: a flag reviewed as a false positive does not count as flagged or failed on
 * the overview, the runs list or the report, and its pattern is not a NEW recurring failure.
 */
const DAY_MS = 86_400_000;
const UNTIL = Date.UTC(2026, 10, 23, 2, 0, 0);
const SINCE = UNTIL - DAY_MS;

function writeFlaggedRun(db: Db, startMs: number, detector: 'silent_failure' | 'tool_loop', signature: string): string {
  const traceId = hexId(16);
  const rootId = hexId(8);
  const toolId = hexId(8);
  createSpanWriter(db)(
    [
      makeSpan({ traceId, spanId: rootId, startMs, durationMs: 1000, kind: 'agent', status: 'ok', agent: 'a1', operation: 'agent:a1' }),
      makeSpan({ traceId, spanId: toolId, parentSpanId: rootId, startMs: startMs + 1, durationMs: 50, kind: 'tool', operation: 'tool:refund', agent: 'a1', tool: { name: 'refund', arguments: '{}', result: '{"error":"denied"}' } }),
    ],
    startMs,
  );
  const flagId = hexId(8);
  createFlagWriter(db).replaceFlags(
    traceId,
    [{ id: flagId, traceId, detector, severity: 'critical', summary: 'x', spanIds: [toolId], evidence: {}, signature, service: 'test-agent', agent: 'a1', tool: 'refund', runStartNs: BigInt(startMs) * 1_000_000n }],
    UNTIL,
  );
  return flagId;
}

describe('a flag reviewed as a false positive', () => {
  const db = openDatabase(':memory:');
  const falseId = writeFlaggedRun(db, SINCE + 60_000, 'silent_failure', 'sig-false');
  writeFlaggedRun(db, SINCE + 120_000, 'tool_loop', 'sig-real');

  const counts = async () => {
    const overview = readOverview(db, { sinceMs: SINCE, untilMs: UNTIL, bucketMs: 3_600_000 });
    const report = await buildReport(createSqliteStorage(db, { path: ':memory:' }).reportQueries, { id: 'r', sinceMs: SINCE, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://x' });
    return {
      overviewFlaggedRuns: overview.totals.flaggedRuns,
      overviewFlags: overview.totals.flags,
      overviewSilent: overview.totals.flagsByDetector.silent_failure ?? 0,
      flaggedInRunsList: listRuns(db, { flagged: true }).runs.length,
      silentInRunsList: listRuns(db, { detector: 'silent_failure' }).runs.length,
      reportFailedRuns: report.totals.current.failedRuns,
      reportFlaggedRuns: report.totals.current.flaggedRuns,
      reportFlags: report.summary.flags,
      reportSignatures: report.signatures.map((item) => `${item.signature}${item.isNew ? ' NEW' : ''}`),
      silentBurnRuns: report.burn.silentFailures.runs,
    };
  };

  it('counts as flagged and failed before the review', async () => {
    expect(await counts()).toEqual({
      overviewFlaggedRuns: 2,
      overviewFlags: 2,
      overviewSilent: 1,
      flaggedInRunsList: 2,
      silentInRunsList: 1,
      reportFailedRuns: 1,
      reportFlaggedRuns: 2,
      reportFlags: 2,
      reportSignatures: ['sig-false NEW', 'sig-real NEW'],
      silentBurnRuns: 1,
    });
  });

  it('counts nowhere once reviewed false positive, and again once confirmed', async () => {
    await createSqliteStorage(db, { path: ':memory:' }).flags.reviewFlag(falseId, { verdict: 'false_positive', note: 'the tool is allowed to refuse' }, UNTIL);
    expect(await counts()).toEqual({
      overviewFlaggedRuns: 1,
      overviewFlags: 1,
      overviewSilent: 0,
      flaggedInRunsList: 1,
      silentInRunsList: 0,
      reportFailedRuns: 0,
      reportFlaggedRuns: 1,
      reportFlags: 1,
      reportSignatures: ['sig-real NEW'],
      silentBurnRuns: 0,
    });
    await createSqliteStorage(db, { path: ':memory:' }).flags.reviewFlag(falseId, { verdict: 'confirmed' }, UNTIL);
    expect((await counts()).reportFailedRuns).toBe(1);
    expect((await counts()).flaggedInRunsList).toBe(2);
  });
});
