import type { NormalizedSpan } from '../model/span.js';

/**
 * One trace as detectors see it: its spans in start order with the tree made explicit.
 * Built once per analysis and shared by every detector (read-only).
 */
export interface AnalysisTrace {
  traceId: string;
  /** Every span, ordered by start time (ties: end time, then span id). */
  spans: NormalizedSpan[];
  /** The root span (no parent); null while it has not arrived. */
  root: NormalizedSpan | null;
  /** Spans whose parent is not in the trace (the root among them). */
  tops: NormalizedSpan[];
  /** Children of each span id, in start order. */
  children: Map<string, NormalizedSpan[]>;
  /** The run's service (root's, else the first span's). */
  service: string;
  /** The run's agent: the outermost agent span's name, else any span's. */
  agent: string | null;
  /** Start of the run (earliest span start), epoch milliseconds. */
  startMs: number;
}

export function spanStartMs(span: NormalizedSpan): number {
  return Number(span.startTimeUnixNano / 1000n) / 1000;
}

export function spanEndMs(span: NormalizedSpan): number {
  return Number(span.endTimeUnixNano / 1000n) / 1000;
}

/** Builds the tree of a trace from its spans (any order). */
export function buildAnalysisTrace(traceId: string, input: readonly NormalizedSpan[]): AnalysisTrace {
  const spans = [...input].sort((a, b) =>
    a.startTimeUnixNano !== b.startTimeUnixNano
      ? a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1
      : a.endTimeUnixNano !== b.endTimeUnixNano
        ? a.endTimeUnixNano < b.endTimeUnixNano ? -1 : 1
        : a.spanId < b.spanId ? -1 : 1,
  );
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, NormalizedSpan[]>();
  const tops: NormalizedSpan[] = [];
  let root: NormalizedSpan | null = null;
  for (const span of spans) {
    if (span.parentSpanId === null) root ??= span;
    if (span.parentSpanId === null || !ids.has(span.parentSpanId)) {
      tops.push(span);
      continue;
    }
    let list = children.get(span.parentSpanId);
    if (list === undefined) children.set(span.parentSpanId, (list = []));
    list.push(span);
  }
  const first = root ?? spans[0];
  let agent: string | null = null;
  for (const span of spans) {
    if (span.agent !== null && span.kind === 'agent') {
      agent = span.agent;
      break;
    }
  }
  agent ??= spans.find((span) => span.agent !== null)?.agent ?? null;
  return {
    traceId,
    spans,
    root,
    tops,
    children,
    service: first?.service ?? 'unknown_service',
    agent,
    startMs: spans.length > 0 ? spanStartMs(spans[0]!) : 0,
  };
}
