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

/**
 * Added: an OTLP log record tied to a span, other than the GenAI content events (those feed the
 * span's model call). Stored redacted; shown bounded: `body` and string attribute values are cut
 * to a few thousand characters, attributes to the first few dozen keys (`truncated` says so).
 */
export interface ApiSpanLogRecord {
  time: string;
  /** The record's severity text, else the name of its severity number (`INFO`, `WARN2`, …), else ''. */
  severity: string;
  /** OTLP SeverityNumber, 0 when unset. */
  severityNumber: number;
  /** The record's event name (event_name or its `event.name` attribute); '' for a plain log line. */
  eventName: string;
  /** The body as text: a string body as is, any other value as JSON; '' when absent. */
  body: string;
  attributes: Attributes;
  /** True when the body, an attribute value or the attribute list was cut. */
  truncated: boolean;
}

/** Added: `GET /api/runs/:traceId/spans/:spanId`, one span with its log records. */
export interface ApiSpanDetail {
  span: ApiSpan;
  /** The span's log records in time order, at most a fixed number (100). */
  logs: ApiSpanLogRecord[];
  /** How many more log records the span has beyond `logs`. */
  moreLogs: number;
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
