import { fnv1a64 } from '../../../model/hash.js';
import type { Attributes, OtlpResourceSpans, OtlpSpan, OtlpTraceRequest } from '../../../model/otlp.js';
import type { RealRun } from './real-run.js';
import { renderOpenInferenceTools } from './render-openinference.js';
import { renderOpenLlmetry } from './render-openllmetry.js';
import { renderOtelGenAi } from './render-otel-genai.js';
import { renderSmolagentsCode } from './render-smolagents.js';

/** Builds the spans of one trace: ids derived from the run id, so a replay is byte-for-byte stable. */
export interface SpanFactory {
  traceId: string;
  rootId: string;
  /** `failure`: status ERROR with this message; an exception (type, message) also gets its `exception` event. */
  span(name: string, parentSpanId: string | null, kind: number, startMs: number, endMs: number, attributes: Attributes, failure?: string | { type: string; message: string } | null): OtlpSpan;
}

function ns(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

/** Arguments as a JSON value (the text itself when it is not JSON). */
export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function traceIdOf(runId: string): string {
  return fnv1a64(runId) + fnv1a64(`${runId}\u0000trace`);
}

function spanFactory(runId: string): SpanFactory {
  let n = 0;
  const traceId = traceIdOf(runId);
  return {
    traceId,
    rootId: fnv1a64(`${runId}\u0000root`),
    span(name, parentSpanId, kind, startMs, endMs, attributes, failure = null) {
      const error = failure === null ? null : typeof failure === 'string' ? failure : failure.message;
      const events =
        failure !== null && typeof failure === 'object'
          ? [{ name: 'exception', timeUnixNano: ns(Math.max(startMs, endMs)), attributes: { 'exception.type': failure.type, 'exception.message': failure.message } }]
          : [];
      const spanId = parentSpanId === null ? fnv1a64(`${runId}\u0000root`) : fnv1a64(`${runId}\u0000${n++}`);
      return {
        traceId, spanId, parentSpanId, traceState: '', name, kind,
        startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(Math.max(startMs, endMs)),
        attributes, droppedAttributesCount: 0, events, links: [],
        statusCode: error !== null ? 2 : 0, statusMessage: error ?? '',
      };
    },
  };
}

const SCOPES: Record<RealRun['wire'], string> = {
  'openinference-tools': 'openinference.instrumentation.litellm',
  'smolagents-code': 'openinference.instrumentation.smolagents',
  'otel-genai': 'opentelemetry.instrumentation.openai_v2',
  openllmetry: 'opentelemetry.instrumentation.openai.v1',
};

/** The run's time span: first step start to last step end (or now, for a run without steps). */
export function runWindow(run: RealRun): [number, number] {
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const step of run.steps) {
    start = Math.min(start, step.startMs);
    end = Math.max(end, step.endMs, step.type === 'model' ? step.observationEndMs ?? 0 : 0);
  }
  return Number.isFinite(start) ? [start - 5, end + 5] : [0, 1];
}

/**
 * One run as the OTLP request its framework's instrumentation would export: spans in end order,
 * one resource (service.name = the framework) and the instrumentation's scope.
 */
export function renderRealRun(run: RealRun): OtlpTraceRequest {
  const factory = spanFactory(run.runId);
  const spans =
    run.wire === 'openinference-tools'
      ? renderOpenInferenceTools(run, factory)
      : run.wire === 'smolagents-code'
        ? renderSmolagentsCode(run, factory)
        : run.wire === 'otel-genai'
          ? renderOtelGenAi(run, factory)
          : renderOpenLlmetry(run, factory);
  spans.sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : a.endTimeUnixNano > b.endTimeUnixNano ? 1 : 0));
  const resourceSpans: OtlpResourceSpans = {
    resource: { 'service.name': run.framework, 'telemetry.sdk.language': 'python', 'telemetry.sdk.name': 'opentelemetry' },
    scopeSpans: [{ scope: { name: SCOPES[run.wire], version: '1.0.0' }, spans }],
  };
  return { resourceSpans: [resourceSpans] };
}
