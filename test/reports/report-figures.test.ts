import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { startService, type RunningService } from '../../cli/service.js';
import { buildReport, type Report } from '../../reports/build-report.js';
import { SAMPLE_NOW_MS, seedSampleData } from '../../scripts/make-sample-report.js';
import type { Flag, Run } from '../../model/api.js';

/**
 * The report's figures are the API's figures: eight days of realistic runs and flags (the sample
 * generator, flags stored through the analyser's flag writer), a fixed clock, and a real service
 * on port 0 answering GET /api/runs and GET /api/flags for the same [since, until).
 */
const DAY_MS = 86_400_000;
const SINCE = SAMPLE_NOW_MS - DAY_MS;
const UNTIL = SAMPLE_NOW_MS;

let dir: string;
let service: RunningService;
let report: Report;

async function allRuns(query: string): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${service.url}/api/runs?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { runs: Run[]; nextCursor: string | null };
    runs.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return runs;
}

async function allFlags(query: string): Promise<Flag[]> {
  const flags: Flag[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${service.url}/api/flags?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { flags: Flag[]; nextCursor: string | null };
    flags.push(...page.flags);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return flags;
}

const period = (sinceMs: number, untilMs: number) => `since=${new Date(sinceMs).toISOString()}&until=${new Date(untilMs).toISOString()}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-report-figures-'));
  service = await startService(
    configSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'test.db'), synchronous: 'normal' },
      logging: { level: 'silent' },
      analyzer: { enabled: false },
      reports: { enabled: false, dir: '' },
    }),
  );
  seedSampleData(service.db, SAMPLE_NOW_MS);
  report = await buildReport(service.storage.reportQueries, { id: 'r1', sinceMs: SINCE, untilMs: UNTIL, nowMs: SAMPLE_NOW_MS + 1000, publicUrl: service.url });
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report figures against the API', () => {
  it('counts the same runs, failed runs and tokens as GET /api/runs for this and the previous period', async () => {
    for (const [totals, sinceMs, untilMs] of [
      [report.totals.current, SINCE, UNTIL],
      [report.totals.previous, SINCE - DAY_MS, SINCE],
    ] as const) {
      const runs = await allRuns(period(sinceMs, untilMs));
      const errored = await allRuns(`${period(sinceMs, untilMs)}&status=error`);
      const silent = await allRuns(`${period(sinceMs, untilMs)}&detector=silent_failure`);
      const flagged = await allRuns(`${period(sinceMs, untilMs)}&flagged=true`);
      expect(runs.length).toBeGreaterThan(40);
      expect(totals.runs).toBe(runs.length);
      expect(totals.errorRuns).toBe(errored.length);
      expect(totals.silentFailureRuns).toBe(silent.length);
      expect(totals.failedRuns).toBe(new Set([...errored, ...silent].map((run) => run.traceId)).size);
      expect(totals.flaggedRuns).toBe(flagged.length);
      expect(totals.inputTokens).toBe(runs.reduce((sum, run) => sum + run.inputTokens, 0));
      expect(totals.outputTokens).toBe(runs.reduce((sum, run) => sum + run.outputTokens, 0));
      expect(totals.failureRate).toBeCloseTo(totals.failedRuns / totals.runs, 4);
    }
  });

  it('counts the same flags by detector and severity as GET /api/flags', async () => {
    const flags = await allFlags(period(SINCE, UNTIL));
    expect(report.totals.current.flags).toBe(flags.length);
    expect(report.summary.criticalFlags).toBe(flags.filter((flag) => flag.severity === 'critical').length);
    for (const item of report.flagsBySeverity) {
      const matching = await allFlags(`${period(SINCE, UNTIL)}&detector=${item.detector}&severity=${item.severity}`);
      expect(item.current, `${item.detector}/${item.severity}`).toBe(matching.length);
      const previous = await allFlags(`${period(SINCE - DAY_MS, SINCE)}&detector=${item.detector}&severity=${item.severity}`);
      expect(item.previous).toBe(previous.length);
    }
    expect(report.flagsBySeverity.reduce((sum, item) => sum + item.current, 0)).toBe(flags.length);
  });

  it('groups recurring failures by signature with counts, first seen and new marks the API confirms', async () => {
    expect(report.signatures.length).toBeGreaterThanOrEqual(4);
    for (const item of report.signatures) {
      const inPeriod = await allFlags(`${period(SINCE, UNTIL)}&signature=${encodeURIComponent(item.signature)}`);
      expect(item.count, item.signature).toBe(inPeriod.length);
      expect(item.runs).toBe(new Set(inPeriod.map((flag) => flag.traceId)).size);
      const before = await allFlags(`${period(0, SINCE)}&signature=${encodeURIComponent(item.signature)}`);
      expect(item.isNew, item.signature).toBe(before.length === 0);
    }
    const loop = report.signatures.find((item) => item.detector === 'tool_loop' && item.agent === 'research-agent');
    expect(loop?.isNew).toBe(true);
    expect(loop?.tool).toBe('web_search');
    const recurring = report.signatures.find((item) => item.agent === 'support-bot' && item.detector === 'silent_failure');
    expect(recurring?.isNew).toBe(false);
    expect(Date.parse(recurring!.firstSeen)).toBeLessThan(SINCE);
  });

  it('links every item into the web view of the service', () => {
    for (const item of report.signatures) expect(item.link).toMatch(new RegExp(`^${service.url}/runs/[0-9a-f]{32}$`));
    for (const item of report.flagsBySeverity) expect(item.link).toContain(`${service.url}/flags?detector=${item.detector}`);
    // The latency page reads `op` (issue 17, defect 1) and the report's own period.
    for (const item of report.latency) expect(item.link).toBe(`${service.url}/latency?op=${encodeURIComponent(item.operation)}&since=${encodeURIComponent(report.period.since)}&until=${encodeURIComponent(report.period.until)}`);
  });

  it('reports the fetch_url slowdown of the last day as a latency regression and nothing else that is steady', () => {
    const fetchUrl = report.latency.find((item) => item.operation === 'tool:fetch_url');
    expect(fetchUrl?.regression).toBe(true);
    expect(fetchUrl!.p95Ratio).toBeGreaterThan(2);
    for (const operation of ['tool:search_kb', 'tool:read_file', 'llm:gpt-4o']) {
      expect(report.latency.find((item) => item.operation === operation)?.regression, operation).toBe(false);
    }
  });

  it('adds up the tokens and time burned by loops (from flag evidence) and silent failures (whole runs)', async () => {
    const loops = await allFlags(`${period(SINCE, UNTIL)}&detector=tool_loop`);
    const loopTokensByTrace = new Map<string, number>();
    for (const flag of loops) {
      const tokens = Number(flag.evidence.inputTokens) + Number(flag.evidence.outputTokens);
      loopTokensByTrace.set(flag.traceId, Math.max(loopTokensByTrace.get(flag.traceId) ?? 0, tokens));
    }
    expect(report.burn.loops.runs).toBe(loopTokensByTrace.size);
    expect(report.burn.loops.tokens).toBe([...loopTokensByTrace.values()].reduce((a, b) => a + b, 0));
    const silentRuns = await allRuns(`${period(SINCE, UNTIL)}&detector=silent_failure`);
    expect(report.burn.silentFailures.runs).toBe(silentRuns.length);
    expect(report.burn.silentFailures.tokens).toBe(silentRuns.reduce((sum, run) => sum + run.inputTokens + run.outputTokens, 0));
    expect(report.burn.silentFailures.durationMs).toBeCloseTo(silentRuns.reduce((sum, run) => sum + run.durationMs, 0), 0);
  });
});
