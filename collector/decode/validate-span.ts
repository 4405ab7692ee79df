import type { AttributeValue, Attributes, OtlpSpan } from '../../model/otlp.js';

/** Per-span limits (config `collector.*`). */
export interface SpanLimits {
  /** Most attributes on the span, and on each of its events. */
  maxAttributeCount: number;
  /** Longest string anywhere in an attribute value, in UTF-8 bytes (bytes values count as their base64 text). */
  maxAttributeValueBytes: number;
}

export type SpanRejectReason =
  | 'invalid_trace_id'
  | 'invalid_span_id'
  | 'invalid_parent_span_id'
  | 'too_many_attributes'
  | 'attribute_too_large'
  | 'nesting_too_deep'
  | 'time_out_of_range';

export interface SpanRejection {
  reason: SpanRejectReason;
  /** English, for the partial-success `error_message`. */
  message: string;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const MAX_STORABLE_NANOS = (1n << 63n) - 1n;

/**
 * Judges one decoded span. Returns null when it may be stored, else why not. A rejected span
 * is dropped alone and counted in the response's `partial_success`; the others are stored.
 *
 * Rules (trace.proto): trace id 16 bytes, span id 8 bytes, neither all zero; parent span id
 * empty (root) or 8 bytes and not all zero; at most `maxAttributeCount` attributes on the span
 * and on each event; no string or bytes value longer than `maxAttributeValueBytes`.
 */
export function validateSpan(span: OtlpSpan, limits: SpanLimits): SpanRejection | null {
  if (!TRACE_ID.test(span.traceId) || span.traceId === ZERO_TRACE_ID) {
    return { reason: 'invalid_trace_id', message: 'trace id must be 16 bytes (32 hex digits) and not all zero' };
  }
  if (!SPAN_ID.test(span.spanId) || span.spanId === ZERO_SPAN_ID) {
    return { reason: 'invalid_span_id', message: 'span id must be 8 bytes (16 hex digits) and not all zero' };
  }
  if (span.parentSpanId !== null && (!SPAN_ID.test(span.parentSpanId) || span.parentSpanId === ZERO_SPAN_ID)) {
    return { reason: 'invalid_parent_span_id', message: 'parent span id must be empty or 8 bytes (16 hex digits), not all zero' };
  }
  if (span.startTimeUnixNano > MAX_STORABLE_NANOS || span.endTimeUnixNano > MAX_STORABLE_NANOS) {
    // SQLite integers are signed 64-bit; a later time could never be stored (and a retryable 503 would loop).
    return { reason: 'time_out_of_range', message: 'start and end times must be at most 9223372036854775807 ns (year 2262)' };
  }
  const attributeProblem = checkAttributes(span.attributes, limits);
  if (attributeProblem !== null) return attributeProblem;
  for (const event of span.events) {
    const eventProblem = checkAttributes(event.attributes, limits);
    if (eventProblem !== null) return eventProblem;
  }
  return null;
}

export function checkAttributes(attributes: Attributes, limits: SpanLimits): SpanRejection | null {
  let count = 0;
  for (const key in attributes) {
    if (++count > limits.maxAttributeCount) {
      return { reason: 'too_many_attributes', message: `more than ${limits.maxAttributeCount} attributes (collector.maxAttributeCount)` };
    }
    if (key.length > limits.maxAttributeValueBytes || !valueFits(attributes[key]!, limits.maxAttributeValueBytes)) {
      return {
        reason: 'attribute_too_large',
        message: `attribute "${key.slice(0, 100)}" has a value longer than ${limits.maxAttributeValueBytes} bytes (collector.maxAttributeValueBytes)`,
      };
    }
  }
  return null;
}

/** Whether every string in `value` is at most `maxBytes` UTF-8 bytes. Depth is bounded by the decoder. */
export function valueFits(value: AttributeValue, maxBytes: number): boolean {
  if (typeof value === 'string') {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: only measure when it could matter.
    if (value.length * 3 <= maxBytes) return true;
    if (value.length > maxBytes) return false;
    return Buffer.byteLength(value, 'utf8') <= maxBytes;
  }
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!valueFits(item, maxBytes)) return false;
    return true;
  }
  for (const key in value) if (!valueFits(value[key]!, maxBytes)) return false;
  return true;
}
