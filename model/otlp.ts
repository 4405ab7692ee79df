/**
 * The OTLP trace data as the collector's decoders produce it, before normalisation.
 * Both decoders (protobuf and JSON) yield exactly this shape, so everything after decoding is
 * independent of the wire encoding.
 *
 * Contracts:
 * - ids are lowercase hex; a root span has `parentSpanId === null` (empty bytes on the wire).
 * - times are exact unsigned 64-bit nanoseconds since the Unix epoch, as bigint.
 * - attribute values are JSON-compatible (see `AttributeValue`).
 */

/**
 * An OTLP AnyValue mapped to JSON: strings, booleans and doubles as themselves; int64 as a
 * number when it is a safe integer, otherwise as its exact decimal string; bytes as base64;
 * arrays and key-value lists as arrays and objects; the empty AnyValue as null.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** OTLP SpanKind enum: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
export type OtlpSpanKind = number;

/** OTLP StatusCode enum: 0 UNSET, 1 OK, 2 ERROR. */
export type OtlpStatusCode = 0 | 1 | 2;

export interface OtlpEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceState: string;
  name: string;
  kind: OtlpSpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: OtlpEvent[];
  links: OtlpLink[];
  /** Events not kept: the sender's own dropped_events_count plus those past collector.maxEventsPerSpan. Absent: 0. */
  droppedEventsCount?: number;
  /** Links not kept, counted the same way (collector.maxLinksPerSpan). Absent: 0. */
  droppedLinksCount?: number;
  statusCode: OtlpStatusCode;
  statusMessage: string;
}

export interface OtlpScope {
  name: string;
  version: string;
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: Attributes;
  scopeSpans: OtlpScopeSpans[];
}

/** A decoded ExportTraceServiceRequest. */
export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/**
 * One OTLP LogRecord (logs.v1), decoded. `traceId`/`spanId` are lowercase hex, '' when the
 * record is not tied to a span; `eventName` is the record's `event_name` (field 12), '' when unset
 * (older senders put it in the `event.name` attribute instead).
 */
export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface OtlpScopeLogs {
  scope: OtlpScope;
  logRecords: OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  resource: Attributes;
  scopeLogs: OtlpScopeLogs[];
}

/** A decoded ExportLogsServiceRequest. */
export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}
