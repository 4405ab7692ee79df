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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
