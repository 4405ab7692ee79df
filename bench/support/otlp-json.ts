import type { AttributeValue, Attributes, OtlpTraceRequest } from '../../model/otlp.js';

function anyValue(value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value === null) return {};
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

function keyValues(attributes: Attributes): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** OTLP/JSON of decoded requests (merged into one request), as an SDK's JSON exporter sends it. */
export function toOtlpJson(...requests: OtlpTraceRequest[]): string {
  return JSON.stringify({
    resourceSpans: requests.flatMap((request) =>
      request.resourceSpans.map((resourceSpans) => ({
        resource: { attributes: keyValues(resourceSpans.resource) },
        scopeSpans: resourceSpans.scopeSpans.map((scopeSpans) => ({
          scope: scopeSpans.scope,
          spans: scopeSpans.spans.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId === null ? {} : { parentSpanId: span.parentSpanId }),
            name: span.name,
            kind: span.kind,
            startTimeUnixNano: span.startTimeUnixNano.toString(),
            endTimeUnixNano: span.endTimeUnixNano.toString(),
            attributes: keyValues(span.attributes),
            events: span.events.map((event) => ({ timeUnixNano: event.timeUnixNano.toString(), name: event.name, attributes: keyValues(event.attributes) })),
            status: span.statusCode === 0 ? {} : { code: span.statusCode, message: span.statusMessage },
          })),
        })),
      })),
    ),
  });
}
