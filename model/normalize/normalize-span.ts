import type { Attributes, OtlpScope, OtlpSpan, OtlpTraceRequest } from '../otlp.js';
import type { NormalizedSpan, SpanStatus } from '../span.js';
import { durationMsBetween } from '../time.js';

/**
 * Maps one decoded OTLP span, with its resource and scope, into the normalised model.
 * Pure and total: any span, however odd its attributes, yields a NormalizedSpan.
 */
export function normalizeSpan(span: OtlpSpan, resource: Attributes, scope: OtlpScope): NormalizedSpan {
  const service = typeof resource['service.name'] === 'string' && resource['service.name'] !== '' ? resource['service.name'] : 'unknown_service';
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: 'other',
    otelKind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    durationMs: durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    status: statusWord(span.statusCode),
    statusMessage: span.statusMessage,
    service,
    agent: null,
    sessionId: null,
    operation: `span:${span.name}`,
    llm: null,
    tool: null,
    attributes: span.attributes,
    events: span.events,
    resource,
    scopeName: scope.name,
  };
}

/** Every span of a decoded request, normalised, in request order. */
export function normalizeRequest(request: OtlpTraceRequest): NormalizedSpan[] {
  const out: NormalizedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) out.push(normalizeSpan(span, resourceSpans.resource, scopeSpans.scope));
    }
  }
  return out;
}

function statusWord(code: number): SpanStatus {
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}
