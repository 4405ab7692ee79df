import { describe, expect, it } from 'vitest';
import { decodeJsonTraceRequest, quoteLargeInt64Numbers } from './json-decoder.js';
import { decodeProtobufTraceRequest } from './protobuf-decoder.js';
import { encodeJson, encodeProtobuf, jsonRequest, jsonSpan, type JsonAnyValue } from '../../test/collector/support/otlp-payloads.js';

const LIMITS = { maxNestingDepth: 4 };
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

const firstSpan = (text: string) => decodeJsonTraceRequest(text, LIMITS).request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('decodeJsonTraceRequest', () => {
  it('decodes the same request the protobuf decoder does', () => {
    const request = jsonRequest([
      jsonSpan({
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: '0102030405060708',
        name: 'tool',
        kind: 2,
        startTimeUnixNano: '1700000000123456789',
        endTimeUnixNano: '1700000000923456789',
        attributes: [
          { key: 's', value: { stringValue: 'x' } },
          { key: 'b', value: { boolValue: false } },
          { key: 'i', value: { intValue: '-9223372036854775808' } },
          { key: 'd', value: { doubleValue: 1.25 } },
          { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, {}] } } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { bytesValue: 'AAEC/w==' } }] } } },
        ],
        events: [{ timeUnixNano: '1700000000123456790', name: 'e', attributes: [{ key: 'n', value: { intValue: 3 } }] }],
        status: { code: 2, message: 'failed' },
      }),
    ]);
    const fromJson = decodeJsonTraceRequest(encodeJson(request), LIMITS);
    const fromProtobuf = decodeProtobufTraceRequest(encodeProtobuf(request), LIMITS);
    expect(fromJson.request).toEqual(fromProtobuf.request);
    expect(fromJson.spanCount).toBe(1);
  });

  it('keeps int64 exact when sent as JSON numbers', () => {
    const span = firstSpan(
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","startTimeUnixNano":1700000000123456789,"endTimeUnixNano": 18446744073709551615,
        "attributes":[{"key":"big","value":{"intValue":9007199254740993}},{"key":"neg","value":{"intValue" : -9223372036854775807}},{"key":"small","value":{"intValue":12}}]}]}]}]}`,
    );
    expect(span.startTimeUnixNano).toBe(1700000000123456789n);
    expect(span.endTimeUnixNano).toBe(18446744073709551615n);
    expect(span.attributes).toEqual({ big: '9007199254740993', neg: '-9223372036854775807', small: 12 });
  });

  it('never rewrites numbers inside string values', () => {
    const text = `${JSON.stringify({ note: '"intValue": 12345678901234567890' }).slice(0, -1)},"k":{"intValue":12345678901234567}}`;
    expect(JSON.parse(quoteLargeInt64Numbers(text))).toEqual({ note: '"intValue": 12345678901234567890', k: { intValue: '12345678901234567' } });
  });

  it('lowercases hex ids, tolerates snake_case, enum names and unknown keys', () => {
    const span = firstSpan(
      JSON.stringify({
        resource_spans: [
          {
            schema_url: 'ignored',
            scope_spans: [
              {
                spans: [
                  {
                    trace_id: TRACE_ID.toUpperCase(),
                    span_id: SPAN_ID.toUpperCase(),
                    parent_span_id: '',
                    name: 'snake',
                    kind: 'SPAN_KIND_CLIENT',
                    start_time_unix_nano: '5',
                    end_time_unix_nano: 6,
                    status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
                    attributes: [{ key: 'x', value: { string_value: 'y' } }, { key: 'z', value: { int_value: '7' } }],
                    somethingNew: { nested: true },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: null, name: 'snake', kind: 3, statusCode: 2, statusMessage: 'bad' });
    expect(span.startTimeUnixNano).toBe(5n);
    expect(span.endTimeUnixNano).toBe(6n);
    expect(span.attributes).toEqual({ x: 'y', z: 7 });
  });

  it('keeps bytesValue as standard base64, accepting URL-safe input', () => {
    const span = firstSpan(encodeJson(jsonRequest([jsonSpan({ attributes: [{ key: 'b', value: { bytesValue: '-_8' } }] })])));
    expect(span.attributes.b).toBe('+/8=');
  });

  it('decodes {} and an empty resourceSpans as an empty request', () => {
    expect(decodeJsonTraceRequest('{}', LIMITS).request).toEqual({ resourceSpans: [] });
    expect(decodeJsonTraceRequest('{"resourceSpans":[]}', LIMITS).spanCount).toBe(0);
  });

  const wrongTypes: [string, unknown, RegExp][] = [
    ['not JSON', undefined, /^invalid JSON/],
    ['a top-level array', [], /expected an object, got an array/],
    ['resourceSpans as an object', { resourceSpans: {} }, /^resourceSpans: expected an array, got an object/],
    ['a numeric traceId', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 5 }] }] }] }, /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected a hex id string, got 5/],
    ['a non-hex spanId', { resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'zz' }] }] }] }, /spans\[0\]\.spanId: expected a hex id string, got "zz"/],
    ['a word for a time', { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: 'soon' }] }] }] }, /spans\[0\]\.startTimeUnixNano: expected an unsigned 64-bit integer/],
    ['a negative time', { resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: -1 }] }] }] }, /endTimeUnixNano: expected an unsigned 64-bit integer/],
    ['an unknown kind name', { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SERVERISH' }] }] }] }, /spans\[0\]\.kind: expected an enum number/],
    ['a string boolValue', { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }] }] }] }, /spans\[0\]\.attributes\[0\]\.value\.boolValue: expected true or false/],
    ['a fractional intValue', { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }] }] }] }, /attributes\[0\]\.value\.intValue: expected a signed 64-bit integer/],
    ['an out-of-range intValue', { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }] }] }] }, /intValue: expected a signed 64-bit integer/],
    ['a missing attribute key', { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ value: { stringValue: 'x' } }] }] }] }] }, /spans\[0\]\.attributes\[0\]\.key: expected a string, got nothing/],
    ['a non-base64 bytesValue', { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'k', value: { bytesValue: '***' } }] }] }] }] }, /bytesValue: expected a base64 string/],
    ['a numeric resource attribute list', { resourceSpans: [{ resource: { attributes: 3 } }] }, /^resourceSpans\[0\]\.resource\.attributes: expected an array/],
    ['a numeric event name', { resourceSpans: [{ scopeSpans: [{ spans: [{ events: [{ name: 1 }] }] }] }] }, /spans\[0\]\.events\[0\]\.name: expected a string, got 1/],
  ];
  for (const [what, payload, message] of wrongTypes) {
    it(`refuses ${what} with a message naming the field`, () => {
      const text = payload === undefined ? '{"resourceSpans": [' : JSON.stringify(payload);
      expect(() => decodeJsonTraceRequest(text, LIMITS)).toThrowError(message);
    });
  }

  it('marks a span whose attribute nests deeper than the limit', () => {
    let value: JsonAnyValue = { stringValue: 'bottom' };
    for (let i = 0; i < 5; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const { request, spanIssues } = decodeJsonTraceRequest(encodeJson(jsonRequest([jsonSpan({ attributes: [{ key: 'deep', value }] })])), LIMITS);
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(spanIssues.get(span)?.reason).toBe('nesting_too_deep');
  });
});
