import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProtobufTraceRequest } from '../../collector/decode/protobuf-decoder.js';
import { decodeJsonTraceRequest } from '../../collector/decode/json-decoder.js';
import { OtlpDecodeError } from '../../collector/decode/decode-error.js';
import { validateSpan } from '../../collector/decode/validate-span.js';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import { createRedactor } from '../../security/redactor.js';
import { configSchema } from '../../config/schema.js';
import { encodeJson, encodeProtobuf } from '../collector/support/otlp-payloads.js';
import { FUZZ_RUNS, mutateBytes, mutateText, traceRequestArbitrary } from './support/otlp-arbitraries.js';

/**
 * Property-based fuzzing of both decoders and everything after them (validation, normalisation,
 * redaction): for any input, the result is a decoded request or an OtlpDecodeError (a 400),
 * never another exception, a stack overflow or a hang.
 */
const config = configSchema.parse({});
const limits = { maxNestingDepth: config.collector.maxNestingDepth, maxAttributeCount: config.collector.maxAttributeCount, maxAttributeValueBytes: config.collector.maxAttributeValueBytes };
const redact = createRedactor(config.redaction);
const cases = { protobuf: 0, json: 0 };

/** Decodes, then pushes every span through the rest of the ingest pipeline. */
function ingestOrRefuse(decode: () => ReturnType<typeof decodeProtobufTraceRequest>): 'decoded' | 'refused' {
  let decoded;
  try {
    decoded = decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return 'refused';
    throw error;
  }
  for (const resourceSpans of decoded.request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        if ((decoded.spanIssues.get(span) ?? validateSpan(span, limits)) !== null) continue;
        redact(normalizeSpan(span, resourceSpans.resource, scopeSpans.scope));
      }
    }
  }
  return 'decoded';
}

const protobuf = (bytes: Uint8Array) => {
  cases.protobuf++;
  return ingestOrRefuse(() => decodeProtobufTraceRequest(bytes, limits));
};
const json = (text: string) => {
  cases.json++;
  return ingestOrRefuse(() => decodeJsonTraceRequest(text, limits));
};

describe('decoder fuzzing', () => {
  it('decodes every well-formed protobuf request the generator makes, and its JSON twin', () => {
    fc.assert(
      fc.property(traceRequestArbitrary, (request) => {
        expect(protobuf(encodeProtobuf(request))).toBe('decoded');
        expect(['decoded', 'refused']).toContain(json(encodeJson(request))); // ids of odd length are a JSON 400
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('answers damaged protobuf with a decode error or a request, never a crash', () => {
    fc.assert(
      fc.property(traceRequestArbitrary.chain((request) => mutateBytes(encodeProtobuf(request))), (bytes) => {
        protobuf(bytes);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('answers random bytes as protobuf with a decode error or a request, never a crash', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => void protobuf(bytes)), { numRuns: FUZZ_RUNS });
  });

  it('answers damaged JSON, random JSON values and random text with a decode error or a request', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          traceRequestArbitrary.chain((request) => mutateText(encodeJson(request))),
          fc.json({ maxDepth: 6 }),
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [value] }] }] })),
          fc.string({ maxLength: 200 }),
        ),
        (text) => void json(text),
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('survives nesting far past the limit, in both encodings, without exhausting the stack', () => {
    for (const depth of [33, 1_000, 50_000]) {
      const jsonText = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'1'.repeat(32)}","spanId":"${'2'.repeat(16)}","name":"deep","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}}]}]}]}]}`;
      expect(['decoded', 'refused']).toContain(json(jsonText));
      // protobuf: AnyValue{array_value=5 {values=1 {…}}} nested `depth` times
      let value: Buffer = Buffer.from([0x0a, 0x01, 0x78]);
      for (let i = 0; i < Math.min(depth, 5_000); i++) value = wrap(5, wrap(1, value));
      const keyValue = Buffer.concat([wrap(1, Buffer.from('k')), wrap(2, value)]);
      const span = Buffer.concat([wrap(1, Buffer.alloc(16, 1)), wrap(2, Buffer.alloc(8, 2)), wrap(5, Buffer.from('deep')), wrap(9, keyValue)]);
      const body = wrap(1, wrap(2, wrap(2, span)));
      expect(['decoded', 'refused']).toContain(protobuf(body));
    }
  });

  it('reports how many cases ran', () => {
    console.log(`fuzz: ${cases.protobuf} protobuf and ${cases.json} JSON decoder cases (FUZZ_RUNS=${FUZZ_RUNS})`);
    expect(cases.protobuf).toBeGreaterThanOrEqual(3 * FUZZ_RUNS);
  });
});

/** A length-delimited protobuf field. */
function wrap(field: number, payload: Buffer): Buffer {
  const length: number[] = [];
  let rest = payload.length;
  while (rest > 0x7f) {
    length.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  length.push(rest);
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...length]), payload]);
}
