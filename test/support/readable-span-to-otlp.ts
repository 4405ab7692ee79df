import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttributeValue, Attributes, OtlpScope, OtlpSpan, OtlpStatusCode } from '../../model/otlp.js';

/** A ReadableSpan as the collector's decoders would hand it to normalizeSpan. */
export interface DecodedSpan {
  span: OtlpSpan;
  resource: Attributes;
  scope: OtlpScope;
}

/**
 * Converts a finished SDK span (from an InMemorySpanExporter) into the decoded OTLP shape of
 * model/otlp.ts, exactly as the OTLP exporters would put it on the wire: API SpanKind + 1 =
 * OTLP SpanKind, HrTime → bigint nanoseconds, undefined attribute values dropped.
 */
export function readableSpanToOtlp(readable: ReadableSpan): DecodedSpan {
  const context = readable.spanContext();
  const span: OtlpSpan = {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: readable.parentSpanContext?.spanId ?? null,
    traceState: context.traceState?.serialize() ?? '',
    name: readable.name,
    kind: readable.kind + 1,
    startTimeUnixNano: hrTimeToNanos(readable.startTime),
    endTimeUnixNano: hrTimeToNanos(readable.endTime),
    attributes: toAttributes(readable.attributes),
    droppedAttributesCount: readable.droppedAttributesCount,
    events: readable.events.map((event) => ({
      timeUnixNano: hrTimeToNanos(event.time),
      name: event.name,
      attributes: toAttributes(event.attributes ?? {}),
    })),
    links: readable.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: toAttributes(link.attributes ?? {}),
    })),
    statusCode: readable.status.code as OtlpStatusCode,
    statusMessage: readable.status.message ?? '',
  };
  return {
    span,
    resource: toAttributes(readable.resource.attributes as Record<string, unknown>),
    scope: { name: readable.instrumentationScope.name, version: readable.instrumentationScope.version ?? '' },
  };
}

function hrTimeToNanos([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

function toAttributes(input: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(input)) {
    const converted = toValue(value);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

function toValue(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => toValue(item) ?? null);
  return String(value);
}
