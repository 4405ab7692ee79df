import type { Db } from '../store/database.js';
import type { Flag } from '../model/api.js';
import { fnv1a64 } from '../model/hash.js';
import type { NormalizedSpan } from '../model/span.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import { createAnalysisReader } from '../store/analysis-reader.js';
import { createBaselineStore, type BaselineSample } from '../store/baseline-store.js';
import { createFlagWriter, type FlagRecord } from '../store/flag-writer.js';
import { buildSuppressionMatcher, listSuppressions, suppressionVersion, type SuppressionMatcher } from '../store/suppression-store.js';
import { buildAnalysisTrace, spanStartMs, type AnalysisTrace } from './analysis-trace.js';
import type { AnalyzerOptions, Detector, DetectorContext, FlagDraft, LatencySample } from './detector.js';
import { DETECTORS } from './detectors.js';

export interface DetectorFailure {
  detector: string;
  message: string;
}

/** Runs every detector on one trace; a detector that throws is reported, the others still run. */
export function runDetectors(
  trace: AnalysisTrace,
  context: DetectorContext,
  detectors: readonly Detector[] = DETECTORS,
): { findings: { detector: Detector; draft: FlagDraft }[]; failures: DetectorFailure[] } {
  const findings: { detector: Detector; draft: FlagDraft }[] = [];
  const failures: DetectorFailure[] = [];
  for (const detector of detectors) {
    try {
      for (const draft of detector.detect(trace, context)) findings.push({ detector, draft });
    } catch (error) {
      failures.push({ detector: detector.id, message: (error as Error).message ?? String(error) });
    }
  }
  return { findings, failures };
}

/** The stable id of a flag: the same finding on the same trace gets the same id on re-analysis. */
export function flagId(traceId: string, detector: string, draft: Pick<FlagDraft, 'pattern' | 'key'>): string {
  return fnv1a64(`${traceId}\u0000${detector}\u0000${draft.pattern}\u0000${draft.key}`);
}

/** Groups recurring failures across runs: detector + agent + tool + pattern. */
export function flagSignature(detector: string, agent: string | null, draft: Pick<FlagDraft, 'pattern' | 'tool'>): string {
  return `${detector}|${agent ?? '-'}|${draft.tool ?? '-'}|${draft.pattern}`;
}

/** The latency samples a trace contributes to the baselines: those of every detector that reads them. */
export function samplesOf(trace: AnalysisTrace, detectors: readonly Detector[] = DETECTORS): LatencySample[] {
  return detectors.flatMap((detector) => detector.latencySamples?.(trace) ?? []);
}

export interface TraceAnalysis {
  traceId: string;
  spanCount: number;
  /** Every flag the trace now has (suppressed ones left out). */
  flags: FlagRecord[];
  /** Flags new with this analysis, as stored (for alerting). */
  raised: Flag[];
  suppressed: number;
  failures: DetectorFailure[];
}

export interface TraceAnalyzer {
  /**
   * Analyses one trace and writes its flags, baseline samples and analysed mark. Call it inside
   * `transaction` (with `flushBaselines` before the end of it): several traces share one commit.
   */
  analyzeTrace(traceId: string, nowMs?: number): TraceAnalysis;
  /** Persists the baseline buckets changed since the last flush (inside the transaction). */
  flushBaselines(): void;
  /** Runs `work` in one SQLite transaction (all or nothing). */
  transaction<T>(work: () => T): T;
  /** Re-reads the suppression rules if they changed. */
  refreshSuppressions(): void;
}

export interface TraceAnalyzerOptions {
  detectors?: readonly Detector[];
  metrics?: Metrics;
  logger?: Logger;
}

/**
 * Prepares everything once: the reader, the baseline store (cached in memory), the flag writer
 * and the suppression rules. Not re-entrant; the analysis loop serialises calls.
 */
export function createTraceAnalyzer(db: Db, options: AnalyzerOptions, extra: TraceAnalyzerOptions = {}): TraceAnalyzer {
  const reader = createAnalysisReader(db);
  const baselines = createBaselineStore(db, { bucketMs: options.latencySpike.bucket, windowMs: options.latencySpike.window });
  const flagWriter = createFlagWriter(db);
  const selectState = db.prepare('SELECT baseline_spans FROM analysis_state WHERE trace_id = ?').pluck();
  const upsertState = db.prepare(
    'INSERT INTO analysis_state (trace_id, baseline_spans) VALUES (?, ?) ON CONFLICT (trace_id) DO UPDATE SET baseline_spans = excluded.baseline_spans',
  );
  const markEmpty = db.prepare("UPDATE runs SET analyzed = 1, analyzed_at_ms = ?, flag_badges = '[]' WHERE trace_id = ?");
  const detectors = extra.detectors ?? DETECTORS;
  let matcher: SuppressionMatcher = buildSuppressionMatcher([]);
  let version = '';

  function refreshSuppressions(): void {
    const current = suppressionVersion(db);
    if (current === version) return;
    version = current;
    matcher = buildSuppressionMatcher(listSuppressions(db));
  }
  refreshSuppressions();

  function write(traceId: string, newSamples: BaselineSample[], state: { s: string[]; x: [string, number, number][] }, flags: FlagRecord[], nowMs: number) {
    for (const sample of newSamples) baselines.add(sample);
    if (newSamples.length > 0) upsertState.run(traceId, JSON.stringify(state));
    return flagWriter.replaceFlags(traceId, flags, nowMs);
  }

  return {
    refreshSuppressions,
    flushBaselines: () => baselines.flush(),
    transaction: <T>(work: () => T): T => {
      // Analysis results need no fsync of their own: if they are lost in a power cut the runs are
      // still pending (analyzed = 0) and are simply analysed again. So the slice commits with
      // synchronous = NORMAL (no fsync on the event loop), and the next ingest commit, at FULL,
      // syncs the write-ahead log with these frames in it.
      const previous = db.pragma('synchronous', { simple: true }) as number;
      if (previous > 1) db.pragma('synchronous = NORMAL');
      try {
        return db.transaction(work)();
      } finally {
        if (previous > 1) db.pragma(`synchronous = ${previous}`);
      }
    },
    analyzeTrace(traceId, nowMs = Date.now()) {
      const started = performance.now();
      const spans = reader.loadTraceSpans(traceId);
      if (spans.length === 0) {
        markEmpty.run(nowMs, traceId);
        return { traceId, spanCount: 0, flags: [], raised: [], suppressed: 0, failures: [] };
      }
      const trace = buildAnalysisTrace(traceId, spans);
      const stateJson = selectState.get(traceId) as string | undefined;
      const state = stateJson === undefined ? { s: [] as string[], x: [] as [string, number, number][] } : (JSON.parse(stateJson) as { s: string[]; x: [string, number, number][] });
      const own: BaselineSample[] = state.x.map(([key, bucketMs, bin]) => ({ key, bucketMs, bin }));
      const context: DetectorContext = {
        options,
        latencyBaseline: (key, atMs) => baselines.baseline(key, atMs, own),
      };
      const { findings, failures } = runDetectors(trace, context, detectors);
      const runStartNs = trace.spans[0]!.startTimeUnixNano;
      const flags: FlagRecord[] = [];
      let suppressed = 0;
      for (const { detector, draft } of findings) {
        const record: FlagRecord = {
          id: flagId(traceId, detector.id, draft),
          traceId,
          detector: detector.id,
          severity: draft.severity,
          summary: draft.summary,
          spanIds: draft.spanIds,
          evidence: draft.evidence,
          signature: flagSignature(detector.id, trace.agent, draft),
          service: trace.service,
          agent: trace.agent,
          tool: draft.tool,
          runStartNs,
        };
        if (matcher.matches(record) !== null) {
          suppressed++;
          continue;
        }
        flags.push(record);
      }
      // Samples this trace has not contributed yet (late spans, first analysis).
      const seen = new Set(state.s);
      const newSamples: BaselineSample[] = [];
      for (const sample of samplesOf(trace, detectors)) {
        if (seen.has(sample.span.spanId)) continue;
        newSamples.push(baselines.sampleOf(sample.key, sample.startMs, sample.durationMs));
      }
      if (newSamples.length > 0) {
        const ids = new Set(state.s);
        for (const span of trace.spans) ids.add(span.spanId);
        state.s = [...ids];
        state.x.push(...newSamples.map((sample): [string, number, number] => [sample.key, sample.bucketMs, sample.bin]));
      }
      const result = write(traceId, newSamples, state, flags, nowMs);
      if (extra.metrics !== undefined) {
        extra.metrics.analysisSeconds.observe((performance.now() - started) / 1000);
        extra.metrics.tracesAnalyzed.inc();
        for (const flag of result.raised) extra.metrics.flagsRaised.inc({ detector: flag.detector, severity: flag.severity });
      }
      for (const failure of failures) extra.logger?.error({ traceId, detector: failure.detector, err: failure.message }, 'detector failed');
      return { traceId, spanCount: spans.length, flags, raised: result.raised, suppressed, failures };
    },
  };
}
