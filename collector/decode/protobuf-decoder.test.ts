import { describe, expect, it } from 'vitest';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { decodeProtobufTraceRequest } from './protobuf-decoder.js';
import { OtlpDecodeError } from './decode-error.js';
import { encodeProtobuf, jsonRequest, jsonSpan, type JsonAnyValue } from '../../test/collector/support/otlp-payloads.js';

const LIMITS = { maxNestingDepth: 4 };
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function decodeSpanWith(attributes: { key: string; value?: JsonAnyValue }[]) {
  const body = encodeProtobuf(jsonRequest([jsonSpan({ traceId: TRACE_ID, spanId: SPAN_ID, attributes })]));
  return decodeProtobufTraceRequest(body, LIMITS);
}

/** Wraps raw Span field bytes into ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span. */
function requestWithRawSpan(writeSpanFields: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).bytes(Buffer.from(TRACE_ID, 'hex'));
  w.tag(2, WireType.LengthDelimited).bytes(Buffer.from(SPAN_ID, 'hex'));
  writeSpanFields(w);
  return w.join().join().join().finish();
}

describe('decodeProtobufTraceRequest', () => {
  it('decodes ids as lowercase hex, exact fixed64 times, kind, status, events and links', () => {
    const body = encodeProtobuf(
      jsonRequest(
        [
          jsonSpan({
            traceId: TRACE_ID,
            spanId: SPAN_ID,
            parentSpanId: '0102030405060708',
            traceState: 'vendor=1',
            name: 'chat gpt-4o',
            kind: 3,
            startTimeUnixNano: '1700000000123456789',
            endTimeUnixNano: '18446744073709551615',
            droppedAttributesCount: 2,
            events: [{ timeUnixNano: '1700000000123456790', name: 'gen_ai.choice', attributes: [{ key: 'index', value: { intValue: 0 } }] }],
            links: [{ traceId: TRACE_ID, spanId: '0102030405060709', attributes: [] }],
            status: { code: 2, message: 'rate limited' },
            flags: 0x301,
          }),
        ],
        'svc',
      ),
    );
    const { request, spanCount, spanIssues } = decodeProtobufTraceRequest(body, LIMITS);
    expect(spanCount).toBe(1);
    expect(spanIssues.size).toBe(0);
    expect(request.resourceSpans[0]!.resource).toEqual({ 'service.name': 'svc' });
    expect(request.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: 'test-scope', version: '1.0.0' });
    expect(request.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: '0102030405060708',
      traceState: 'vendor=1',
      name: 'chat gpt-4o',
      kind: 3,
      startTimeUnixNano: 1700000000123456789n,
      endTimeUnixNano: 18446744073709551615n,
      attributes: {},
      droppedAttributesCount: 2,
      events: [{ timeUnixNano: 1700000000123456790n, name: 'gen_ai.choice', attributes: { index: 0 } }],
      links: [{ traceId: TRACE_ID, spanId: '0102030405060709', attributes: {} }],
      statusCode: 2,
      statusMessage: 'rate limited',
    });
  });

  it('maps every AnyValue kind to JSON, int64 exactly', () => {
    const { request } = decodeSpanWith([
      { key: 'string', value: { stringValue: 'héllo ✓' } },
      { key: 'true', value: { boolValue: true } },
      { key: 'false', value: { boolValue: false } },
      { key: 'int', value: { intValue: 42 } },
      { key: 'negative', value: { intValue: -1 } },
      { key: 'maxSafe', value: { intValue: '9007199254740991' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'maxInt64', value: { intValue: '9223372036854775807' } },
      { key: 'minInt64', value: { intValue: '-9223372036854775808' } },
      { key: 'double', value: { doubleValue: 0.1 } },
      { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, { boolValue: false }, {}] } } },
      { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'inner', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } } }] } } },
      { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 2, 255]).toString('base64') } },
      { key: 'empty', value: {} },
      { key: 'missing' },
      { key: '__proto__', value: { stringValue: 'own property' } },
    ]);
    const attributes = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
    expect(attributes).toEqual({
      string: 'héllo ✓',
      true: true,
      false: false,
      int: 42,
      negative: -1,
      maxSafe: 9007199254740991,
      big: '9007199254740993',
      maxInt64: '9223372036854775807',
      minInt64: '-9223372036854775808',
      double: 0.1,
      array: ['a', 1, false, null],
      kvlist: { inner: { x: 1.5 } },
      bytes: 'AAEC/w==',
      empty: null,
      missing: null,
      ['__proto__']: 'own property',
    });
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(attributes, '__proto__')).toBe(true);
  });

  it('skips unknown fields of every wire type, groups included, and treats strindex fields as absent', () => {
    const body = requestWithRawSpan((w) => {
      w.tag(5, WireType.LengthDelimited).string('known name');
      w.tag(90, WireType.Varint).uint64(123456789012345n);
      w.tag(91, WireType.Bit64).fixed64(1n);
      w.tag(92, WireType.LengthDelimited).string('ignored');
      w.tag(93, WireType.Bit32).fixed32(7);
      w.tag(94, WireType.StartGroup).tag(1, WireType.Varint).uint32(1).tag(95, WireType.StartGroup).tag(95, WireType.EndGroup).tag(94, WireType.EndGroup);
      w.tag(16, WireType.Bit32).fixed32(0x301); // flags: not part of the model
      // KeyValue with key_strindex (3) and a value that has only string_value_strindex (8).
      w.tag(9, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('k').tag(3, WireType.Varint).int32(4);
      w.tag(2, WireType.LengthDelimited).fork().tag(8, WireType.Varint).int32(9).join().join();
    });
    const span = decodeProtobufTraceRequest(body, LIMITS).request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe('known name');
    expect(span.attributes).toEqual({ k: null });
  });

  it('refuses a known field sent with the wrong wire type, naming the message and field', () => {
    const body = requestWithRawSpan((w) => w.tag(7, WireType.Varint).uint64(5));
    expect(() => decodeProtobufTraceRequest(body, LIMITS)).toThrowError(/Span field 7 has wire type 0 \(varint\), expected 1 \(64-bit\)/);
  });

  it('refuses invalid wire types and unbalanced groups', () => {
    expect(() => decodeProtobufTraceRequest(Uint8Array.from([0x17]), LIMITS)).toThrowError(/invalid wire type 7/);
    expect(() => decodeProtobufTraceRequest(Uint8Array.from([0x14]), LIMITS)).toThrowError(/unexpected end-group/);
    expect(() => decodeProtobufTraceRequest(Uint8Array.from([0x13, 0x08, 0x01]), LIMITS)).toThrowError(/unterminated group/);
    expect(() => decodeProtobufTraceRequest(Uint8Array.from([0x00]), LIMITS)).toThrowError(/field number 0/);
  });

  it('answers every truncation of a valid request with a clean OtlpDecodeError or a shorter valid decode', () => {
    const body = encodeProtobuf(
      jsonRequest([
        jsonSpan({
          attributes: [
            { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { doubleValue: 1 }] } } },
            { key: 'b', value: { intValue: '-5' } },
          ],
          events: [{ timeUnixNano: '1', name: 'e' }],
        }),
      ]),
    );
    let errors = 0;
    for (let length = 0; length < body.length; length++) {
      try {
        decodeProtobufTraceRequest(body.subarray(0, length), LIMITS);
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(body.length - 5);
  });

  it('decodes an empty body as an empty request', () => {
    expect(decodeProtobufTraceRequest(new Uint8Array(0), LIMITS)).toMatchObject({ request: { resourceSpans: [] }, spanCount: 0 });
  });

  it('marks a span whose attribute nests deeper than the limit, without descending', () => {
    let value: JsonAnyValue = { stringValue: 'bottom' };
    for (let i = 0; i < 5; i++) value = { arrayValue: { values: [value] } };
    const ok = decodeSpanWith([{ key: 'four', value: (value.arrayValue!.values[0] as JsonAnyValue) }]);
    expect(ok.spanIssues.size).toBe(0);
    const { request, spanIssues } = decodeSpanWith([{ key: 'five', value }]);
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(spanIssues.get(span)).toMatchObject({ reason: 'nesting_too_deep' });
    expect(span.attributes).toEqual({ five: [[[[null]]]] });
  });

  it('survives a 100 000-level nested value without exhausting the stack', () => {
    // Each level is AnyValue{ array_value (5) { values (1) { …inner AnyValue… } } }; the
    // headers are computed from the inside out, then written once.
    const headers: Buffer[] = [];
    let innerLength = 0;
    for (let i = 0; i < 100_000; i++) {
      const valueLength = 1 + varint(innerLength).length + innerLength;
      headers.push(Buffer.concat([Buffer.from([0x2a]), varint(valueLength), Buffer.from([0x0a]), varint(innerLength)]));
      innerLength = 1 + varint(valueLength).length + valueLength;
    }
    const inner = Buffer.concat(headers.reverse());
    expect(inner.length).toBe(innerLength);
    const body = requestWithRawSpan((w) => w.tag(9, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('deep').tag(2, WireType.LengthDelimited).bytes(inner).join());
    const { spanIssues } = decodeProtobufTraceRequest(body, LIMITS);
    expect(spanIssues.size).toBe(1);
  });

  it('refuses a request whose resource attributes nest too deep', () => {
    let value: JsonAnyValue = { stringValue: 'x' };
    for (let i = 0; i < 6; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const request = jsonRequest([jsonSpan()]);
    request.resourceSpans[0]!.resource!.attributes.push({ key: 'deep', value });
    expect(() => decodeProtobufTraceRequest(encodeProtobuf(request), LIMITS)).toThrowError(/nested more than 4 levels/);
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
