import type { DetectorId, Severity } from '../model/api.js';
import { DETECTOR_IDS, SEVERITIES } from '../model/api.js';
import type { BurnRow, CostSummary, LatencyRow, Period, PeriodTotals, ReportQueries, ReportSummary, VersionRateRow } from '../store/api.js';
import { createPriceList, type PriceList } from '../model/pricing/price-list.js';

/**
 * Builds the anomaly report: the period [since, until) against the previous period of the same
 * length and against a 7-day baseline (the 7 days before `since`, scaled to the period's length).
 * The `Report` object is the JSON rendering; Markdown and HTML are made from it.
 */

export const REPORT_VERSION = 1;
export const BASELINE_DAYS = 7;
const DAY_MS = 86_400_000;

export interface ReportOptions {
  /** Start of the period, epoch ms (inclusive). */
  sinceMs: number;
  /** End of the period, epoch ms (exclusive). */
  untilMs: number;
  /** Wall clock when the report is made (epoch ms); injected for tests. */
  nowMs: number;
  /** Base URL of the web view, without a trailing slash; links are built on it. */
  publicUrl: string;
  id: string;
  /** A p95 this many times the baseline's (and `latencyMinDeltaMs` slower) is a regression. Default 1.5. */
  latencyRegressionRatio?: number;
  /** Smallest absolute p95 increase, in ms, that counts as a regression. Default 50. */
  latencyMinDeltaMs?: number;
  /** Fewest spans in the period AND in the baseline for an operation to be judged. Default 5 / 20. */
  latencyMinSamples?: number;
  latencyMinBaselineSamples?: number;
  /** Model prices for the cost section (the repo's table with config's entries). Default: the repo's table. */
  prices?: PriceList;
  /** Fewest runs of each of two releases for their flag rates to be compared. Default 20. */
  versionMinRuns?: number;
  /** Smallest difference of flag rate, in percentage points, called a change. Default 5. */
  versionMinPoints?: number;
}

export interface Totals extends PeriodTotals {
  /** failedRuns / runs (0..1); 0 without runs. */
  failureRate: number;
  flags: number;
}

export interface FlagBreakdown {
  detector: DetectorId;
  severity: Severity;
  current: number;
  previous: number;
  /** Mean per period of the period's length over the 7-day baseline. */
  baseline: number;
  link: string;
}

export interface SignatureItem {
  signature: string;
  detector: DetectorId;
  agent: string | null;
  service: string;
  /** Tool named in the latest flag's evidence, when it names one. */
  tool: string | null;
  severity: Severity;
  count: number;
  runs: number;
  previousCount: number;
  firstSeen: string;
  lastSeen: string;
  /** First seen inside this period: nothing with this signature happened before `since`. */
  isNew: boolean;
  exampleSummary: string;
  exampleTraceId: string;
  link: string;
  flagsLink: string;
}

export interface AgentItem {
  agent: string | null;
  service: string;
  runs: number;
  failedRuns: number;
  failureRate: number;
  flags: number;
  criticalFlags: number;
  tokens: number;
  link: string;
}

export interface ToolItem {
  tool: string;
  calls: number;
  errors: number;
  errorRate: number;
  flags: number;
  link: string;
}

export interface LatencyItem {
  operation: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  baseline: { count: number; p50Ms: number; p95Ms: number; p99Ms: number } | null;
  /** Current p95 / baseline p95; null without a baseline. */
  p95Ratio: number | null;
  regression: boolean;
  /**
   * Why a p95 past the regression ratio is NOT called a regression (too few spans in the period
   * or the baseline, or too small an increase in ms), so a large unmarked ratio is explained;
   * null otherwise.
   */
  notJudged: string | null;
  /** The latency page over the same period (`since`/`until`), so it shows the same spans and p95. */
  link: string;
}

export interface BurnItem {
  traceId: string;
  agent: string | null;
  service: string;
  tokens: number;
  durationMs: number;
  /** Where the figures come from: the flag's evidence, or the run's totals. */
  source: 'evidence' | 'run';
  link: string;
}

export interface BurnGroup {
  runs: number;
  tokens: number;
  durationMs: number;
  /** USD the flagged runs cost (whole runs, at the report's prices); `costPartial` when a model had no price. */
  costUsd: number;
  costPartial: boolean;
  /** The costliest, at most 5. */
  top: BurnItem[];
}

/** Money spent in the period, at the report's prices (models without a price counted apart). */
export interface CostSection {
  totalUsd: number;
  previousTotalUsd: number;
  /** Model calls whose model has no price (not in totalUsd). */
  unpricedCalls: number;
  /** Most expensive first, at most 5; costUsd null without a price. */
  byModel: { model: string; calls: number; tokens: number; costUsd: number | null }[];
  /** Per agent (the service when a run names none), most expensive first, at most 5. */
  byAgent: { agent: string; runs: number; costUsd: number; partial: boolean }[];
}

/** One release (resource service.version) of one service in the period. */
export interface VersionItem {
  service: string;
  version: string;
  runs: number;
  failedRuns: number;
  failureRate: number;
  flaggedRuns: number;
  flagRate: number;
  /** Its first run in the period. */
  firstSeen: string;
  link: string;
}

/** A release whose flag rate differs materially from the release before it (same service, same period). */
export interface VersionChange {
  service: string;
  from: VersionItem;
  to: VersionItem;
  /** `worse`: the newer release is flagged more often. */
  direction: 'worse' | 'better';
  /** (to.flagRate − from.flagRate) × 100. */
  differencePoints: number;
  /** Two-proportion z statistic of the difference (|z| ≥ 2.58: p < 0.01). */
  z: number;
}

export interface SeriesPoint {
  /** Start of the bucket, ISO. */
  start: string;
  runs: number;
  failedRuns: number;
  flags: number;
  /** Whether the bucket is inside the report's period (else it is baseline history). */
  inPeriod: boolean;
}

export interface Report {
  version: number;
  id: string;
  generatedAt: string;
  period: { since: string; until: string };
  previousPeriod: { since: string; until: string };
  baseline: { since: string; until: string; days: number };
  links: { web: string; report: string };
  summary: ReportSummary;
  totals: { current: Totals; previous: Totals; baseline: Totals };
  flagsBySeverity: FlagBreakdown[];
  signatures: SignatureItem[];
  worstAgents: AgentItem[];
  worstTools: ToolItem[];
  latency: LatencyItem[];
  regressions: LatencyItem[];
  burn: { loops: BurnGroup; silentFailures: BurnGroup };
  series: { bucketMs: number; points: SeriesPoint[] };
  /** Added: money spent (absent in reports made before it existed). */
  cost?: CostSection;
  /** Added: releases per service in the period, and the ones whose flag rate changed materially. */
  versions?: { items: VersionItem[]; changes: VersionChange[]; minRuns: number; minPoints: number };
}

/**
 * Builds the report from the backend's report queries (store/api.ts ReportQueries), one query
 * per step, giving the event loop a turn between steps (inside `tracehound serve`, a large report
 * delays ingest and API requests by one query at most, not by the whole build). A consistent
 * snapshot is not promised across steps: spans arriving meanwhile may show in later sections.
 * Rejects with RangeError when `untilMs` is not after `sinceMs`.
 */
export async function buildReport(queries: ReportQueries, options: ReportOptions): Promise<Report> {
  const { sinceMs, untilMs, publicUrl } = options;
  if (!(untilMs > sinceMs)) throw new RangeError('until must be after since');
  const lengthMs = untilMs - sinceMs;
  const current: Period = { fromMs: sinceMs, toMs: untilMs };
  const previous: Period = { fromMs: sinceMs - lengthMs, toMs: sinceMs };
  const baseline: Period = { fromMs: sinceMs - BASELINE_DAYS * DAY_MS, toMs: sinceMs };
  const baselineScale = lengthMs / (BASELINE_DAYS * DAY_MS);
  const link = linker(publicUrl);

  const currentTotals = await toTotals(queries, current, 1);
  await nextTurn();
  const previousTotals = await toTotals(queries, previous, 1);
  await nextTurn();
  const totals = { current: currentTotals, previous: previousTotals, baseline: await toTotals(queries, baseline, baselineScale) };
  await nextTurn();

  const flagCounts = {
    current: await queries.flagCounts(current),
    previous: await queries.flagCounts(previous),
    baseline: await queries.flagCounts(baseline),
  };
  await nextTurn();
  const countOf = (rows: typeof flagCounts.current, detector: string, severity: string) =>
    rows.find((row) => row.detector === detector && row.severity === severity)?.count ?? 0;
  const detectors = [...new Set<DetectorId>([...DETECTOR_IDS, ...flagCounts.current.map((row) => row.detector)])];
  const flagsBySeverity: FlagBreakdown[] = [];
  for (const detector of detectors) {
    for (const severity of [...SEVERITIES].reverse()) {
      const item = {
        detector,
        severity,
        current: countOf(flagCounts.current, detector, severity),
        previous: countOf(flagCounts.previous, detector, severity),
        baseline: round(countOf(flagCounts.baseline, detector, severity) * baselineScale, 2),
        link: link(`/flags?detector=${encodeURIComponent(detector)}&severity=${severity}`),
      };
      if (item.current + item.previous + item.baseline > 0) flagsBySeverity.push(item);
    }
  }

  const signatureRows = await queries.signatures(current);
  await nextTurn();
  const signatures: SignatureItem[] = signatureRows.map((row) => ({
    signature: row.signature,
    detector: row.detector,
    agent: row.agent,
    service: row.service,
    tool: row.tool ?? toolFromEvidence(row.exampleEvidence),
    severity: row.severity,
    count: row.count,
    runs: row.runs,
    previousCount: row.previousCount,
    firstSeen: new Date(row.firstSeenMs).toISOString(),
    lastSeen: new Date(row.lastSeenMs).toISOString(),
    isNew: row.firstSeenMs >= sinceMs,
    exampleSummary: row.exampleSummary,
    exampleTraceId: row.exampleTraceId,
    link: link(`/runs/${row.exampleTraceId}`),
    flagsLink: link(`/flags?detector=${encodeURIComponent(row.detector)}`),
  }));

  const agentRows = await queries.worstAgents(current);
  await nextTurn();
  const worstAgents: AgentItem[] = agentRows.map((row) => ({
    ...row,
    failureRate: rate(row.failedRuns, row.runs),
    link: link(row.agent === null ? `/runs?service=${encodeURIComponent(row.service)}` : `/runs?agent=${encodeURIComponent(row.agent)}`),
  }));

  const toolRows = await queries.worstTools(current);
  await nextTurn();
  const worstTools: ToolItem[] = toolRows.map((row) => ({
    ...row,
    errorRate: rate(row.errors, row.calls),
    link: link(latencyPath(`tool:${row.tool}`, current)),
  }));

  const currentLatency: LatencyRow[] = [];
  const baselineLatency: LatencyRow[] = [];
  for (const operation of await queries.listOperationKeys()) {
    const now = await queries.operationLatency(current, operation);
    await nextTurn();
    if (now === null) continue;
    currentLatency.push(now);
    const before = await queries.operationLatency(baseline, operation);
    await nextTurn();
    if (before !== null) baselineLatency.push(before);
  }
  const latency = compareLatency(currentLatency, baselineLatency, options, (operation) => link(latencyPath(operation, current)));
  const regressions = latency.filter((item) => item.regression).sort((a, b) => (b.p95Ratio ?? 0) - (a.p95Ratio ?? 0));

  const prices = options.prices ?? createPriceList();
  const costs = await queries.costs(current, prices);
  await nextTurn();
  const previousCosts = await queries.costs(previous, prices);
  await nextTurn();
  const burnRows = await queries.burn(current);
  await nextTurn();
  const burn = {
    loops: toBurnGroup(burnRows.filter((row) => row.detector === 'tool_loop'), link, costs, 'tool_loop'),
    silentFailures: toBurnGroup(burnRows.filter((row) => row.detector === 'silent_failure'), link, costs, 'silent_failure'),
  };
  const cost: CostSection = {
    totalUsd: round(costs.totalUsd, 6),
    previousTotalUsd: round(previousCosts.totalUsd, 6),
    unpricedCalls: costs.unpricedCalls,
    byModel: costs.byModel.slice(0, 5).map((row) => ({ ...row, costUsd: row.costUsd === null ? null : round(row.costUsd, 6) })),
    byAgent: costs.byAgent.slice(0, 5).map((row) => ({ agent: row.key, runs: row.runs, costUsd: round(row.costUsd, 6), partial: row.partial })),
  };
  const versionMinRuns = options.versionMinRuns ?? 20;
  const versionMinPoints = options.versionMinPoints ?? 5;
  const versionItems = (await queries.versionRates(current)).map((row) => toVersionItem(row, link));
  await nextTurn();
  const versions = { items: versionItems, changes: versionChanges(versionItems, versionMinRuns, versionMinPoints), minRuns: versionMinRuns, minPoints: versionMinPoints };

  const bucketMs = lengthMs <= DAY_MS ? lengthMs : DAY_MS;
  // Buckets end at `until` and reach back over the baseline: 8 days for a 24-hour report.
  const bucketCount = Math.min(400, Math.ceil((BASELINE_DAYS * DAY_MS + lengthMs) / bucketMs));
  const seriesFrom = untilMs - bucketCount * bucketMs;
  const seriesRows = new Map((await queries.series({ fromMs: seriesFrom, toMs: untilMs }, bucketMs)).map((row) => [row.bucket, row]));
  const points: SeriesPoint[] = [];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = seriesFrom + bucket * bucketMs;
    const row = seriesRows.get(bucket);
    points.push({
      start: new Date(start).toISOString(),
      runs: row?.runs ?? 0,
      failedRuns: row?.failedRuns ?? 0,
      flags: row?.flags ?? 0,
      inPeriod: start >= sinceMs,
    });
  }

  const criticalFlags = flagCounts.current.filter((row) => row.severity === 'critical').reduce((sum, row) => sum + row.count, 0);
  const summary: ReportSummary = {
    runs: totals.current.runs,
    failedRuns: totals.current.failedRuns,
    failureRate: totals.current.failureRate,
    flags: totals.current.flags,
    criticalFlags,
    signatures: signatures.length,
    newSignatures: signatures.filter((item) => item.isNew).length,
    latencyRegressions: regressions.length,
  };

  return {
    version: REPORT_VERSION,
    id: options.id,
    generatedAt: new Date(options.nowMs).toISOString(),
    period: { since: iso(sinceMs), until: iso(untilMs) },
    previousPeriod: { since: iso(previous.fromMs), until: iso(previous.toMs) },
    baseline: { since: iso(baseline.fromMs), until: iso(baseline.toMs), days: BASELINE_DAYS },
    links: { web: link('/'), report: link(`/reports/${encodeURIComponent(options.id)}`) },
    summary,
    totals,
    flagsBySeverity,
    signatures,
    worstAgents,
    worstTools,
    latency,
    regressions,
    burn,
    series: { bucketMs, points },
    cost,
    versions,
  };
}

function toVersionItem(row: VersionRateRow, link: (path: string) => string): VersionItem {
  return {
    service: row.service,
    version: row.version,
    runs: row.runs,
    failedRuns: row.failedRuns,
    failureRate: rate(row.failedRuns, row.runs),
    flaggedRuns: row.flaggedRuns,
    flagRate: rate(row.flaggedRuns, row.runs),
    firstSeen: iso(row.firstStartMs),
    link: link(`/runs?service=${encodeURIComponent(row.service)}&version=${encodeURIComponent(row.version)}`),
  };
}

/**
 * Per service, each release against the one that appeared before it in the period (by first run):
 * a change when both have at least `minRuns` runs, the flag rates differ by at least `minPoints`
 * percentage points, and the difference is unlikely by chance (two-proportion z-test, |z| ≥ 2.58).
 */
export function versionChanges(items: readonly VersionItem[], minRuns: number, minPoints: number): VersionChange[] {
  const byService = new Map<string, VersionItem[]>();
  for (const item of items) byService.set(item.service, [...(byService.get(item.service) ?? []), item]);
  const changes: VersionChange[] = [];
  for (const [service, releases] of byService) {
    const ordered = [...releases].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.version.localeCompare(b.version));
    for (let index = 1; index < ordered.length; index++) {
      const from = ordered[index - 1]!;
      const to = ordered[index]!;
      if (from.runs < minRuns || to.runs < minRuns) continue;
      const p1 = from.flaggedRuns / from.runs;
      const p2 = to.flaggedRuns / to.runs;
      const pooled = (from.flaggedRuns + to.flaggedRuns) / (from.runs + to.runs);
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / from.runs + 1 / to.runs));
      const z = se === 0 ? 0 : (p2 - p1) / se;
      const points = (p2 - p1) * 100;
      if (Math.abs(points) < minPoints || Math.abs(z) < 2.58) continue;
      changes.push({ service, from, to, direction: points > 0 ? 'worse' : 'better', differencePoints: round(points, 1), z: round(z, 2) });
    }
  }
  return changes.sort((a, b) => Number(b.direction === 'worse') - Number(a.direction === 'worse') || Math.abs(b.differencePoints) - Math.abs(a.differencePoints));
}

/** The web view's latency page for one operation over exactly this period (it reads `op`, `since`, `until`). */
function latencyPath(operation: string, period: Period): string {
  return `/latency?op=${encodeURIComponent(operation)}&since=${encodeURIComponent(iso(period.fromMs))}&until=${encodeURIComponent(iso(period.toMs))}`;
}

/** A report id: the period's end in compact UTC plus 4 random hex digits, e.g. 20261123T020000Z-3f9a. */
export function makeReportId(untilMs: number, random: () => number = Math.random): string {
  const stamp = new Date(untilMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
}

async function toTotals(queries: ReportQueries, period: Period, scale: number): Promise<Totals> {
  const raw = await queries.periodTotals(period);
  const flags = (await queries.flagCounts(period)).reduce((sum, row) => sum + row.count, 0);
  const failureRate = rate(raw.failedRuns, raw.runs);
  if (scale === 1) return { ...raw, flags, failureRate };
  const scaled = (value: number) => round(value * scale, 2);
  return {
    runs: scaled(raw.runs),
    errorRuns: scaled(raw.errorRuns),
    silentFailureRuns: scaled(raw.silentFailureRuns),
    failedRuns: scaled(raw.failedRuns),
    flaggedRuns: scaled(raw.flaggedRuns),
    inputTokens: scaled(raw.inputTokens),
    outputTokens: scaled(raw.outputTokens),
    flags: scaled(flags),
    failureRate,
  };
}

function compareLatency(
  current: LatencyRow[],
  baseline: LatencyRow[],
  options: ReportOptions,
  latencyLink: (operation: string) => string,
): LatencyItem[] {
  const ratio = options.latencyRegressionRatio ?? 1.5;
  const minDeltaMs = options.latencyMinDeltaMs ?? 50;
  const minSamples = options.latencyMinSamples ?? 5;
  const minBaselineSamples = options.latencyMinBaselineSamples ?? 20;
  const baselineByOperation = new Map(baseline.map((row) => [row.operation, row]));
  return current
    .map((row) => {
      const base = baselineByOperation.get(row.operation);
      const p95Ratio = base && base.p95Ms > 0 ? round(row.p95Ms / base.p95Ms, 2) : null;
      const slower = base !== undefined && row.p95Ms >= base.p95Ms * ratio;
      const notJudged = !slower
        ? null
        : row.count < minSamples
          ? `${row.count} span${row.count === 1 ? '' : 's'} in the period, fewer than the ${minSamples} needed to judge`
          : base.count < minBaselineSamples
            ? `${base.count} span${base.count === 1 ? '' : 's'} in the baseline, fewer than the ${minBaselineSamples} needed to judge`
            : row.p95Ms - base.p95Ms < minDeltaMs
              ? `only ${round(row.p95Ms - base.p95Ms, 1)} ms slower, under the ${minDeltaMs} ms floor`
              : null;
      const regression = slower && notJudged === null;
      return {
        operation: row.operation,
        count: row.count,
        p50Ms: round(row.p50Ms, 1),
        p95Ms: round(row.p95Ms, 1),
        p99Ms: round(row.p99Ms, 1),
        baseline: base ? { count: base.count, p50Ms: round(base.p50Ms, 1), p95Ms: round(base.p95Ms, 1), p99Ms: round(base.p99Ms, 1) } : null,
        p95Ratio,
        regression,
        notJudged,
        link: latencyLink(row.operation),
      };
    })
    .sort(
      (a, b) =>
        Number(b.regression) - Number(a.regression) ||
        (a.regression ? (b.p95Ratio ?? 0) - (a.p95Ratio ?? 0) : 0) ||
        b.count - a.count ||
        a.operation.localeCompare(b.operation),
    );
}

/**
 * Loop cost from the flag's evidence when it states it (the tool-loop detector writes
 * `inputTokens`, `outputTokens` and `durationMs` of the loop itself; `tokens`/`totalTokens` and
 * `loopDurationMs` are read too, at the top level or under `loop`), else the whole run's totals. A run with several loop flags is counted once, with its costliest loop.
 */
function toBurnGroup(rows: BurnRow[], link: (path: string) => string, costs: CostSummary, detector: string): BurnGroup {
  const burned = costs.burnedByDetector.find((row) => row.key === detector);
  const byTrace = new Map<string, BurnItem>();
  for (const row of rows) {
    const evidence = parseObject(row.evidence);
    const inputTokens = pickNumber(evidence, ['inputTokens']);
    const outputTokens = pickNumber(evidence, ['outputTokens']);
    const tokens =
      pickNumber(evidence, ['tokens', 'loopTokens', 'totalTokens']) ??
      (inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0));
    const durationMs = pickNumber(evidence, ['durationMs', 'loopDurationMs']);
    const item: BurnItem = {
      traceId: row.traceId,
      agent: row.agent,
      service: row.service,
      tokens: tokens ?? row.runTokens,
      durationMs: round(durationMs ?? row.runDurationMs, 1),
      source: tokens !== null || durationMs !== null ? 'evidence' : 'run',
      link: link(`/runs/${row.traceId}`),
    };
    const existing = byTrace.get(row.traceId);
    if (!existing || item.tokens > existing.tokens) byTrace.set(row.traceId, item);
  }
  const items = [...byTrace.values()].sort((a, b) => b.tokens - a.tokens || b.durationMs - a.durationMs);
  return {
    runs: items.length,
    tokens: items.reduce((sum, item) => sum + item.tokens, 0),
    durationMs: round(items.reduce((sum, item) => sum + item.durationMs, 0), 1),
    costUsd: round(burned?.costUsd ?? 0, 6),
    costPartial: burned?.partial ?? false,
    top: items.slice(0, 5),
  };
}

function toolFromEvidence(evidenceJson: string): string | null {
  const evidence = parseObject(evidenceJson);
  for (const key of ['tool', 'toolName', 'tool_name']) {
    const value = evidence[key];
    if (typeof value === 'string' && value !== '') return value;
    if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name;
  }
  return null;
}

function pickNumber(evidence: Record<string, unknown>, keys: string[]): number | null {
  for (const source of [evidence, parseNested(evidence.loop)]) {
    for (const key of keys) {
      const value = source[key];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    }
  }
  return null;
}

function parseNested(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parseObject(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    return parseNested(JSON.parse(json));
  } catch {
    return {};
  }
}

function linker(publicUrl: string): (path: string) => string {
  const base = publicUrl.replace(/\/+$/, '');
  return (path) => `${base}${path}`;
}

function rate(part: number, whole: number): number {
  return whole > 0 ? round(part / whole, 4) : 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A macrotask turn: lets I/O callbacks (ingest, API requests) run between report queries. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
