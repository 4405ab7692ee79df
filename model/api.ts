import type { Attributes } from './otlp.js';
import type { SpanKind, SpanStatus } from './span.js';
import type { DetectorId } from './detectors/detector-descriptors.js';

/**
 * The JSON shapes of the HTTP API, exactly as SPEC.md fixes them. Times are ISO 8601 UTC
 * strings, durations milliseconds, ids lowercase hex. Fields may be added, never renamed.
 */

/** The detector ids, fixed by SPEC.md; listed once, in model/detectors/detector-descriptors.ts. */
export { DETECTOR_IDS, type DetectorId } from './detectors/detector-descriptors.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VERDICTS = ['confirmed', 'false_positive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface RunFlagBadge {
  detector: DetectorId;
  severity: Severity;
}

export interface Run {
  traceId: string;
  service: string;
  agent: string | null;
  /** Root span name; the earliest span's name while the root has not arrived. */
  name: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  llmCallCount: number;
  toolCallCount: number;
  errorCount: number;
  status: SpanStatus;
  inputTokens: number;
  outputTokens: number;
  flags: RunFlagBadge[];
  /** Added: session / conversation id when known. */
  sessionId: string | null;
  /** Added: whether the analyser has judged this run's current spans. */
  analyzed: boolean;
  /** The model most used (most calls, then most tokens); null when no model call named one. */
  model: string | null;
  /** USD at the configured prices; null when a model the run used has no price. 0 without model calls. */
  costUsd: number | null;
  /** Resource `service.version` (the root span's when it has one). */
  serviceVersion: string | null;
  /** Resource `deployment.environment.name`. */
  environment: string | null;
  /** The run's first input as text (at most 4000 characters), or null. */
  input: string | null;
  /** The run's final answer as text (at most 4000 characters), or null. */
  output: string | null;
}

/** A conversation: the runs that share a session id (SPEC.md). */
export interface Session {
  sessionId: string;
  /** The service and agent of its first run. */
  service: string;
  agent: string | null;
  runCount: number;
  flaggedRunCount: number;
  startTime: string;
  /** When its last run ended. */
  endTime: string;
  inputTokens: number;
  outputTokens: number;
  /** Null when a model one of its runs used has no price. */
  costUsd: number | null;
}

export interface ApiSpanEvent {
  name: string;
  time: string;
  attributes: Attributes;
}

export interface ApiSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startTime: string;
  durationMs: number;
  status: SpanStatus;
  statusMessage: string;
  attributes: Attributes;
  events: ApiSpanEvent[];
  tool?: { name: string; arguments: string | null; result: string | null };
  llm?: { model: string | null; inputTokens: number | null; outputTokens: number | null; finishReason: string | null };
  /** Added: service and operation key, for the waterfall and latency links. */
  service: string;
  operation: string;
}

export interface FlagReview {
  verdict: Verdict;
  note: string;
  at: string;
}

export interface Flag {
  id: string;
  traceId: string;
  spanIds: string[];
  detector: DetectorId;
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
  createdAt: string;
  review: FlagReview | null;
}

/** Added (issue 17): a flag a suppression rule kept the analyser from raising on a run. */
export interface SilencedFlagView {
  /** The id the flag would have had. */
  flagId: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  /** When the analyser first silenced it. */
  silencedAt: string;
  ruleId: string;
  /** The rule as it is now; null when it has been deleted since. */
  rule: { id: string; detector: DetectorId; scope: 'agent' | 'tool' | 'signature'; value: string; note: string; createdAt: string; createdBy: string | null } | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
