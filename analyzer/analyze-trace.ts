import type { BaselineContribution, BaselineSample, FlagRecord, SilencedFlag, TraceAnalysisResult, TraceForAnalysis } from '../store/api.js';
import { fnv1a64 } from '../model/hash.js';
import type { BaselineCache } from './baseline-cache.js';
import type { SuppressionMatcher } from './suppression-matcher.js';
import type { AnalysisTrace } from './analysis-trace.js';
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

/**
 * The baseline keys a trace's samples go to: load them before analysing it. Keys a detector only
 * reads (the baseline of a span that gives no sample) are found by analyzeLoadedTrace.
 */
export function baselineKeysOf(trace: AnalysisTrace, detectors: readonly Detector[] = DETECTORS): string[] {
  return [...new Set(samplesOf(trace, detectors).map((sample) => sample.key))];
}

export interface TraceAnalysis {
  /**
   * Baseline keys the detectors or samples needed that were not loaded: nothing was judged or
   * added; load them and analyse the trace again.
   */
  missingKeys: string[];
  /** What to commit (AnalysisStore.commitAnalyses). */
  result: TraceAnalysisResult;
  spanCount: number;
  /** Flags not raised because a suppression rule matched. */
  suppressed: number;
  /** Those flags with the rule that matched each (SuppressionStore.recordSilencedFlags); absent when none. */
  silenced?: Omit<SilencedFlag, 'atMs'>[];
  failures: DetectorFailure[];
}

/**
 * Judges one loaded trace: runs every detector against the baselines (the trace's own earlier
 * samples excluded), drops suppressed findings, and adds the samples the trace has not
 * contributed yet to the cache. Pure but for the cache; its keys (baselineKeysOf) must be loaded.
 */
export function analyzeLoadedTrace(
  loaded: TraceForAnalysis,
  trace: AnalysisTrace | null,
  context: { options: AnalyzerOptions; baselines: BaselineCache; matcher: SuppressionMatcher; detectors?: readonly Detector[] },
): TraceAnalysis {
  const { traceId } = loaded;
  if (trace === null || loaded.spans.length === 0) {
    return { missingKeys: [], result: { traceId, version: loaded.version, flags: [], contribution: null }, spanCount: 0, suppressed: 0, failures: [] };
  }
  const { baselines } = context;
  const detectors = context.detectors ?? DETECTORS;
  const own: BaselineSample[] = loaded.contribution.samples;
  const missing = new Set<string>();
  const detectorContext: DetectorContext = {
    options: context.options,
    latencyBaseline: (key, atMs) => {
      if (!baselines.has(key)) {
        missing.add(key);
        return null;
      }
      return baselines.baseline(key, atMs, own);
    },
  };
  const { findings, failures } = runDetectors(trace, detectorContext, detectors);
  const samples = samplesOf(trace, detectors);
  for (const sample of samples) if (!baselines.has(sample.key)) missing.add(sample.key);
  if (missing.size > 0) {
    return { missingKeys: [...missing], result: { traceId, version: loaded.version, flags: [], contribution: null }, spanCount: loaded.spans.length, suppressed: 0, failures: [] };
  }
  const runStartNs = trace.spans[0]!.startTimeUnixNano;
  const flags: FlagRecord[] = [];
  const ids = new Set<string>();
  let suppressed = 0;
  const silenced: Omit<SilencedFlag, 'atMs'>[] = [];
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
    const rule = context.matcher.matches(record);
    if (rule !== null) {
      suppressed++;
      if (!silenced.some((flag) => flag.flagId === record.id)) {
        silenced.push({ traceId, flagId: record.id, detector: record.detector, severity: record.severity, summary: record.summary, ruleId: rule.id });
      }
      continue;
    }
    if (ids.has(record.id)) continue;
    ids.add(record.id);
    flags.push(record);
  }
  // Samples this trace has not contributed yet (late spans, first analysis).
  const seen = new Set(loaded.contribution.spanIds);
  const newSamples: BaselineSample[] = [];
  for (const sample of samples) {
    if (seen.has(sample.span.spanId)) continue;
    newSamples.push(baselines.sampleOf(sample.key, sample.startMs, sample.durationMs));
  }
  let contribution: BaselineContribution | null = null;
  if (newSamples.length > 0) {
    for (const sample of newSamples) baselines.add(sample);
    const spanIds = new Set(loaded.contribution.spanIds);
    for (const span of trace.spans) spanIds.add(span.spanId);
    contribution = { spanIds: [...spanIds], samples: [...own, ...newSamples] };
  }
  return {
    missingKeys: [],
    result: { traceId, version: loaded.version, flags, contribution },
    spanCount: loaded.spans.length,
    suppressed,
    ...(silenced.length > 0 ? { silenced } : {}),
    failures,
  };
}
