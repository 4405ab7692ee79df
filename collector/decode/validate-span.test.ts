import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../model/otlp.js';
import { validateSpan } from './validate-span.js';

const LIMITS = { maxAttributeCount: 3, maxAttributeValueBytes: 10 };

function span(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    parentSpanId: null,
    traceState: '',
    name: 'ok',
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    ...overrides,
  };
}

describe('validateSpan', () => {
  it('accepts a well-formed root span and child span', () => {
    expect(validateSpan(span(), LIMITS)).toBeNull();
    expect(validateSpan(span({ parentSpanId: '0000000000000001' }), LIMITS)).toBeNull();
  });

  const cases: [string, Partial<OtlpSpan>, string][] = [
    ['an empty trace id', { traceId: '' }, 'invalid_trace_id'],
    ['a short trace id', { traceId: '5b8efff798038103' }, 'invalid_trace_id'],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, 'invalid_trace_id'],
    ['an empty span id', { spanId: '' }, 'invalid_span_id'],
    ['a 16-byte span id', { spanId: '5b8efff798038103d269b633813fc60c' }, 'invalid_span_id'],
    ['an all-zero span id', { spanId: '0'.repeat(16) }, 'invalid_span_id'],
    ['a 4-byte parent id', { parentSpanId: '01020304' }, 'invalid_parent_span_id'],
    ['an all-zero parent id', { parentSpanId: '0'.repeat(16) }, 'invalid_parent_span_id'],
    ['too many attributes', { attributes: { a: 1, b: 2, c: 3, d: 4 } }, 'too_many_attributes'],
    ['too many event attributes', { events: [{ name: 'e', timeUnixNano: 1n, attributes: { a: 1, b: 2, c: 3, d: 4 } }] }, 'too_many_attributes'],
    ['a long string value', { attributes: { a: 'x'.repeat(11) } }, 'attribute_too_large'],
    ['a string over the limit in UTF-8 bytes only', { attributes: { a: 'ééééé€' } }, 'attribute_too_large'],
    ['a long string nested in a kvlist', { attributes: { a: { b: ['ok', 'y'.repeat(20)] } } }, 'attribute_too_large'],
  ];
  for (const [what, overrides, reason] of cases) {
    it(`rejects a span with ${what}`, () => {
      const problem = validateSpan(span(overrides), LIMITS);
      expect(problem?.reason).toBe(reason);
      expect(problem?.message).toMatch(/^[a-z].+/);
    });
  }

  it('accepts a value exactly at the byte limit', () => {
    expect(validateSpan(span({ attributes: { a: 'ééééé' } }), LIMITS)).toBeNull();
  });
});
