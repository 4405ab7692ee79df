import type { Config } from '../config/schema.js';
import type { DetectorId, Severity } from '../model/api.js';
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

/** One finding of a detector, before it becomes a stored Flag. */
export interface FlagDraft {
  severity: Severity;
  /** One sentence a person understands. */
  summary: string;
  /** The spans that prove it; the first is the one the flag is about. */
  spanIds: string[];
  /** The numbers, the baseline, the calls. */
  evidence: Record<string, unknown>;
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

/**
 * A detector: a pure function of a trace and a context. It must not touch the database or keep
 * state between calls; it may throw (the analyser records the error and runs the others).
 */
export interface Detector {
  id: DetectorId;
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft[];
}
