import fc from 'fast-check';
import type { JsonAnyValue, JsonKeyValue, JsonSpan, JsonTraceRequest } from '../../collector/support/otlp-payloads.js';

/** Cases per property: thousands in CI; `FUZZ_RUNS=100000 npx vitest run test/fuzz` by hand. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** HTTP cases cost a request each: a tenth of FUZZ_RUNS, at least 300. */
export const HTTP_FUZZ_RUNS = Math.max(300, Math.floor(FUZZ_RUNS / 10));

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
/** Mostly valid ids, sometimes wrong length, zero, upper case or empty. */
const id = (bytes: number) =>
  fc.oneof(
    { weight: 8, arbitrary: hex(bytes) },
    { weight: 1, arbitrary: fc.constantFrom('', '0'.repeat(bytes * 2), 'zz', 'ABCDEF0123456789'.slice(0, bytes * 2)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
const nanos = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String), fc.constantFrom('0', '1700000000000000000', '18446744073709551615'));
const text = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) }, { weight: 1, arbitrary: fc.constantFrom('bob@example.com', 'Bearer abcdefgh12345678', '4111 1111 1111 1111') });

export const anyValue: fc.Arbitrary<JsonAnyValue> = fc.letrec<{ value: JsonAnyValue; kv: JsonKeyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.oneof(fc.integer(), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String)).map((intValue) => ({ intValue })),
    fc.double().map((doubleValue) => ({ doubleValue })),
    fc.uint8Array({ maxLength: 16 }).map((b) => ({ bytesValue: Buffer.from(b).toString('base64') })),
    fc.array(tie('value'), { maxLength: 4 }).map((values) => ({ arrayValue: { values } })),
    fc.array(tie('kv'), { maxLength: 4 }).map((values) => ({ kvlistValue: { values } })),
    fc.constant({}),
  ),
  kv: fc.record({ key: fc.string({ maxLength: 20 }), value: tie('value') }),
})).value;

const keyValues = fc.array(fc.record({ key: fc.string({ maxLength: 20 }), value: anyValue }), { maxLength: 6 });

export const jsonSpanArbitrary: fc.Arbitrary<JsonSpan> = fc.record(
  {
    traceId: id(16),
    spanId: id(8),
    parentSpanId: fc.option(id(8), { nil: undefined }),
    name: text,
    kind: fc.integer({ min: -1, max: 7 }),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: keyValues,
    events: fc.array(fc.record({ timeUnixNano: nanos, name: text, attributes: keyValues }), { maxLength: 2 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 3 }), message: text }),
  },
  { requiredKeys: ['traceId', 'spanId', 'name', 'startTimeUnixNano', 'endTimeUnixNano'] },
);

export const traceRequestArbitrary: fc.Arbitrary<JsonTraceRequest> = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes: keyValues }),
      scopeSpans: fc.array(fc.record({ scope: fc.record({ name: text, version: text }), spans: fc.array(jsonSpanArbitrary, { maxLength: 4 }) }), { maxLength: 2 }),
    }),
    { maxLength: 2 },
  ),
});

/** Byte-level damage to a valid encoding: flips, truncation, insertion, duplication. */
export function mutateBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  if (bytes.length === 0) return fc.uint8Array({ maxLength: 64 });
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => {
      const out = Uint8Array.from(bytes);
      for (const [at, value] of flips) out[at] = value;
      return out;
    }),
    fc.nat(bytes.length).map((end) => bytes.slice(0, end)),
    fc.tuple(fc.nat(bytes.length), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, insert]) => Buffer.concat([bytes.slice(0, at), insert, bytes.slice(at)])),
    fc.tuple(fc.nat(bytes.length), fc.nat(bytes.length)).map(([a, b]) => Buffer.concat([bytes, bytes.slice(Math.min(a, b), Math.max(a, b))])),
  );
}

/** Text-level damage to valid JSON. */
export function mutateText(source: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat(source.length).map((end) => source.slice(0, end)),
    fc.tuple(fc.nat(source.length), fc.string({ minLength: 1, maxLength: 8 })).map(([at, insert]) => source.slice(0, at) + insert + source.slice(at)),
    fc.tuple(fc.nat(Math.max(0, source.length - 1)), fc.constantFrom('"', '{', '[', ']', '}', ',', ':', '0', '-', 'null', '1e999', '\\u0000')).map(
      ([at, token]) => source.slice(0, at) + token + source.slice(at + 1),
    ),
  );
}
