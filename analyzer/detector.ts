import type { Config } from '../config/schema.js';
import type { Severity } from '../model/api.js';
import type { DetectorId, EvidenceOf } from '../model/detectors/detector-descriptors.js';
import type { NormalizedSpan } from '../model/span.js';
import type { AnalysisTrace } from './analysis-trace.js';

/** The analyser's options: the `analyzer` section of otel-config.yaml, durations in ms. */
export type AnalyzerOptions = Config['analyzer'];

/** A latency baseline: robust statistics of ln(durationMs) over earlier samples of one key. */
export interface LatencyBaseline {
  /** Samples it was computed from. */
  n: number;
  /** Median duration, milliseconds. */
  medianMs: number;
  /** Median of ln(durationMs). */
  medianLn: number;
  /** Median absolute deviation of ln(durationMs) (unscaled). */
  madLn: number;
  /** 95th percentile duration, milliseconds. */
  p95Ms: number;
  /** Fraction of the baseline samples shorter than the judged value (0..1), when asked. */
  rankOf(durationMs: number): number;
}

/** What a detector may read besides the trace: its options and the latency baselines. */
export interface DetectorContext {
  options: AnalyzerOptions;
  /**
   * The baseline of `key` for a sample at `atMs` (epoch ms, span time): samples before it within
   * the window, this trace's own samples excluded; null when there is none.
   */
  latencyBaseline(key: string, atMs: number): LatencyBaseline | null;
}

/** One finding of a detector, before it becomes a stored Flag; `Evidence` is its detector's (model/detectors/). */
export interface FlagDraft<Evidence = Record<string, unknown>> {
  severity: Severity;
  /** One sentence a person understands. */
  summary: string;
  /** The spans that prove it; the first is the one the flag is about. */
  spanIds: string[];
  /** The numbers, the baseline, the calls. */
  evidence: Evidence;
  /** Rule and shape of the failure, stable across runs (e.g. `silent_tool_error`); part of the signature. */
  pattern: string;
  /** The tool concerned, when there is one (signature and suppression by tool). */
  tool: string | null;
  /**
   * What makes this finding distinct within the trace (e.g. the first span id); with the trace id,
   * detector and pattern it gives the flag its stable id.
   */
  key: string;
}

/** A duration a trace contributes to a latency baseline (`key`: the step or run it measures). */
export interface LatencySample {
  span: NormalizedSpan;
  key: string;
  /** Epoch milliseconds (span time). */
  startMs: number;
  durationMs: number;
}

/**
 * A detector: a pure function of a trace and a context. It must not touch the database or keep
 * state between calls; it may throw (the analyser records the error and runs the others). Its
 * identity (label, colour, options, evidence type) is its descriptor in model/detectors/, found
 * by `id`; its flags' evidence has the descriptor's evidence type.
 */
export interface Detector<Id extends DetectorId = DetectorId> {
  id: Id;
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft<EvidenceOf<Id>>[];
  /**
   * The latency samples this trace adds to the baselines, for detectors whose descriptor lists
   * the `latency` baseline; the analyser stores each span's samples once.
   */
  latencySamples?(trace: AnalysisTrace): LatencySample[];
}
