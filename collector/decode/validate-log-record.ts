import type { OtlpLogRecord } from '../../model/otlp.js';
import { checkAttributes, valueFits, type SpanLimits } from './validate-span.js';

export interface LogRecordRejection {
  reason: 'invalid_trace_id' | 'invalid_span_id' | 'too_many_attributes' | 'attribute_too_large' | 'body_too_large' | 'nesting_too_deep' | 'time_out_of_range';
  /** English, for the partial-success `error_message`. */
  message: string;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const MAX_STORABLE_NANOS = (1n << 63n) - 1n;

/**
 * Judges one decoded log record; null when it may be stored. Rules (logs.proto): trace id
 * empty or 16 bytes not all zero; span id empty or 8 bytes not all zero, and only with a trace
 * id; attributes as for spans (collector.maxAttributeCount / maxAttributeValueBytes); every
 * string in the body at most maxAttributeValueBytes.
 */
export function validateLogRecord(record: OtlpLogRecord, limits: SpanLimits): LogRecordRejection | null {
  if (record.traceId !== '' && (!TRACE_ID.test(record.traceId) || /^0+$/.test(record.traceId))) {
    return { reason: 'invalid_trace_id', message: 'trace id must be empty or 16 bytes (32 hex digits), not all zero' };
  }
  if (record.spanId !== '' && (!SPAN_ID.test(record.spanId) || /^0+$/.test(record.spanId) || record.traceId === '')) {
    return { reason: 'invalid_span_id', message: 'span id must be empty or 8 bytes (16 hex digits), not all zero, with a trace id' };
  }
  if (record.timeUnixNano > MAX_STORABLE_NANOS || record.observedTimeUnixNano > MAX_STORABLE_NANOS) {
    return { reason: 'time_out_of_range', message: 'times must be at most 9223372036854775807 ns (year 2262)' };
  }
  const attributeProblem = checkAttributes(record.attributes, limits);
  if (attributeProblem !== null) return attributeProblem as LogRecordRejection;
  if (!valueFits(record.body, limits.maxAttributeValueBytes)) {
    return { reason: 'body_too_large', message: `the body has a string longer than ${limits.maxAttributeValueBytes} bytes (collector.maxAttributeValueBytes)` };
  }
  return null;
}
