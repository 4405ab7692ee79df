import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Hand-built OTLP payloads for tests and the ingest benchmark. A payload is written once in the
 * OTLP/JSON form (hex ids, int64 as decimal strings, AnyValue objects) and encoded either as
 * JSON text or as binary protobuf, so both decoders are checked against the same input.
 */

export interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values: JsonAnyValue[] };
  kvlistValue?: { values: JsonKeyValue[] };
  bytesValue?: string;
}
export interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
export interface JsonEvent {
  timeUnixNano: string;
  name: string;
  attributes?: JsonKeyValue[];
}
export interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: JsonKeyValue[];
  droppedAttributesCount?: number;
  events?: JsonEvent[];
  droppedEventsCount?: number;
  droppedLinksCount?: number;
  links?: { traceId: string; spanId: string; attributes?: JsonKeyValue[] }[];
  status?: { code?: number; message?: string };
  flags?: number;
}
export interface JsonTraceRequest {
  resourceSpans: {
    resource?: { attributes: JsonKeyValue[] };
    scopeSpans: { scope?: { name: string; version?: string }; spans: JsonSpan[] }[];
  }[];
}

/** Encodes the JSON form as a binary protobuf ExportTraceServiceRequest. */
export function encodeProtobuf(request: JsonTraceRequest): Uint8Array {
  const w = new BinaryWriter();
  for (const rs of request.resourceSpans) {
    w.tag(1, WireType.LengthDelimited).fork();
    if (rs.resource) {
      w.tag(1, WireType.LengthDelimited).fork();
      for (const kv of rs.resource.attributes) writeKeyValue(w, 1, kv);
      w.join();
    }
    for (const ss of rs.scopeSpans) {
      w.tag(2, WireType.LengthDelimited).fork();
      if (ss.scope) {
        w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(ss.scope.name);
        if (ss.scope.version) w.tag(2, WireType.LengthDelimited).string(ss.scope.version);
        w.join();
      }
      for (const span of ss.spans) writeSpan(w, span);
      w.join();
    }
    w.join();
  }
  return w.finish();
}

/** Encodes the JSON form as OTLP/JSON text. */
export function encodeJson(request: JsonTraceRequest): string {
  return JSON.stringify(request);
}

function writeSpan(w: BinaryWriter, span: JsonSpan): void {
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).bytes(Buffer.from(span.traceId, 'hex'));
  w.tag(2, WireType.LengthDelimited).bytes(Buffer.from(span.spanId, 'hex'));
  if (span.traceState) w.tag(3, WireType.LengthDelimited).string(span.traceState);
  if (span.parentSpanId) w.tag(4, WireType.LengthDelimited).bytes(Buffer.from(span.parentSpanId, 'hex'));
  w.tag(5, WireType.LengthDelimited).string(span.name);
  if (span.kind) w.tag(6, WireType.Varint).int32(span.kind);
  w.tag(7, WireType.Bit64).fixed64(span.startTimeUnixNano);
  w.tag(8, WireType.Bit64).fixed64(span.endTimeUnixNano);
  for (const kv of span.attributes ?? []) writeKeyValue(w, 9, kv);
  if (span.droppedAttributesCount) w.tag(10, WireType.Varint).uint32(span.droppedAttributesCount);
  for (const event of span.events ?? []) {
    w.tag(11, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Bit64).fixed64(event.timeUnixNano);
    w.tag(2, WireType.LengthDelimited).string(event.name);
    for (const kv of event.attributes ?? []) writeKeyValue(w, 3, kv);
    w.join();
  }
  if (span.droppedEventsCount) w.tag(12, WireType.Varint).uint32(span.droppedEventsCount);
  for (const link of span.links ?? []) {
    w.tag(13, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).bytes(Buffer.from(link.traceId, 'hex'));
    w.tag(2, WireType.LengthDelimited).bytes(Buffer.from(link.spanId, 'hex'));
    for (const kv of link.attributes ?? []) writeKeyValue(w, 4, kv);
    w.join();
  }
  if (span.droppedLinksCount) w.tag(14, WireType.Varint).uint32(span.droppedLinksCount);
  if (span.status) {
    w.tag(15, WireType.LengthDelimited).fork();
    if (span.status.message) w.tag(2, WireType.LengthDelimited).string(span.status.message);
    if (span.status.code) w.tag(3, WireType.Varint).int32(span.status.code);
    w.join();
  }
  if (span.flags !== undefined) w.tag(16, WireType.Bit32).fixed32(span.flags);
  w.join();
}

function writeKeyValue(w: BinaryWriter, field: number, kv: JsonKeyValue): void {
  w.tag(field, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(kv.key);
  if (kv.value) {
    w.tag(2, WireType.LengthDelimited).fork();
    writeAnyValue(w, kv.value);
    w.join();
  }
  w.join();
}

function writeAnyValue(w: BinaryWriter, value: JsonAnyValue): void {
  if (value.stringValue !== undefined) w.tag(1, WireType.LengthDelimited).string(value.stringValue);
  else if (value.boolValue !== undefined) w.tag(2, WireType.Varint).bool(value.boolValue);
  else if (value.intValue !== undefined) w.tag(3, WireType.Varint).int64(value.intValue);
  else if (value.doubleValue !== undefined) w.tag(4, WireType.Bit64).double(value.doubleValue);
  else if (value.arrayValue !== undefined) {
    w.tag(5, WireType.LengthDelimited).fork();
    for (const item of value.arrayValue.values) {
      w.tag(1, WireType.LengthDelimited).fork();
      writeAnyValue(w, item);
      w.join();
    }
    w.join();
  } else if (value.kvlistValue !== undefined) {
    w.tag(6, WireType.LengthDelimited).fork();
    for (const kv of value.kvlistValue.values) writeKeyValue(w, 1, kv);
    w.join();
  } else if (value.bytesValue !== undefined) w.tag(7, WireType.LengthDelimited).bytes(Buffer.from(value.bytesValue, 'base64'));
}

let idCounter = 0;

/** A fresh random-looking lowercase hex id of `bytes` bytes (never all zero). */
export function freshId(bytes: number): string {
  idCounter++;
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return out.slice(0, -4) + (idCounter & 0xffff).toString(16).padStart(4, '0').replace(/^0000$/, '0001');
}

/** A minimal valid span in JSON form. */
export function jsonSpan(overrides: Partial<JsonSpan> = {}): JsonSpan {
  return {
    traceId: freshId(16),
    spanId: freshId(8),
    name: 'span',
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    ...overrides,
  };
}

/** One resource (service.name = `service`) and one scope around `spans`. */
export function jsonRequest(spans: JsonSpan[], service = 'test-agent'): JsonTraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'test-scope', version: '1.0.0' }, spans }],
      },
    ],
  };
}
