import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { ApiSpan, Run } from '../../model/api.js';
import { encodeJson, encodeProtobuf, freshId, jsonRequest, jsonSpan, type JsonAnyValue, type JsonSpan } from './support/otlp-payloads.js';
import { startTestService, type TestService } from './support/test-service.js';
import { decodeRpcStatus } from '../support/rpc-status.js';

/**
 * Every conformance rule of OTLP.md §6 and every bad input, through the real HTTP endpoint:
 * status, body encoding, message, and what is (not) stored.
 */
let service: TestService;
const MAX_BODY_BYTES = 256 * 1024;
beforeAll(async () => {
  service = await startTestService({
    collector: { maxBodyBytes: MAX_BODY_BYTES, maxAttributeCount: 10, maxAttributeValueBytes: 1024, maxNestingDepth: 4 },
  });
});
afterAll(async () => {
  await service.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function post(body: Uint8Array | string, headers: Record<string, string>, method = 'POST'): Promise<Reply> {
  const response = await fetch(`${service.url}/v1/traces`, { method, body: method === 'GET' ? undefined : (body as unknown as BodyInit), headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

function spanCount(): number {
  return (service.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
}

/** Decodes a protobuf ExportTraceServiceResponse body. */
function decodeExportResponse(body: Buffer): { rejectedSpans: bigint; errorMessage: string } | null {
  if (body.length === 0) return null;
  const outer = new BinaryReader(body);
  const [field] = outer.tag();
  expect(field).toBe(1);
  const inner = new BinaryReader(outer.bytes());
  const result = { rejectedSpans: 0n, errorMessage: '' };
  while (inner.pos < inner.len) {
    const [innerField] = inner.tag();
    if (innerField === 1) result.rejectedSpans = BigInt(inner.int64());
    else result.errorMessage = inner.string();
  }
  return result;
}

async function readRun(traceId: string): Promise<{ run: Run; spans: ApiSpan[] } | null> {
  const response = await fetch(`${service.url}/api/runs/${traceId}`);
  return response.status === 404 ? null : ((await response.json()) as { run: Run; spans: ApiSpan[] });
}

describe('OTLP/HTTP method, media type and encoding', () => {
  it('answers a non-POST method with 405', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await post('', PROTOBUF, method);
      expect(reply.status).toBe(405);
      expect(reply.headers.get('allow')).toBe('POST');
    }
  });

  it('answers other media types with 415 and the Collector text', async () => {
    for (const type of ['text/plain', 'application/protobuf', 'application/jsonx']) {
      const reply = await post('{}', { 'Content-Type': type });
      expect(reply.status).toBe(415);
      expect(reply.body.toString()).toBe('415 unsupported media type, supported: [application/json, application/x-protobuf]');
    }
    const missing = await fetch(`${service.url}/v1/traces`, { method: 'POST', body: new Uint8Array(0) });
    expect(missing.status).toBe(415);
  });

  it('ignores media-type parameters and case', async () => {
    const json = await post('{}', { 'Content-Type': 'Application/JSON; charset=utf-8' });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    const protobuf = await post(new Uint8Array(0), { 'Content-Type': 'application/x-protobuf; proto=opentelemetry' });
    expect(protobuf.status).toBe(200);
  });

  it('answers an empty request with 200 and an empty ExportTraceServiceResponse', async () => {
    const protobuf = await post(new Uint8Array(0), PROTOBUF);
    expect([protobuf.status, protobuf.headers.get('content-type'), protobuf.body.length]).toEqual([200, 'application/x-protobuf', 0]);
    const json = await post('{}', JSON_TYPE);
    expect([json.status, json.body.toString()]).toEqual([200, '{}']);
    const emptyJson = await post('', JSON_TYPE);
    expect([emptyJson.status, emptyJson.body.toString()]).toEqual([200, '{}']);
  });

  it('accepts gzip and deflate bodies', async () => {
    const span = jsonSpan();
    const gz = await post(gzipSync(encodeProtobuf(jsonRequest([span]))), { ...PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    const { deflateSync } = await import('node:zlib');
    const other = jsonSpan();
    const deflated = await post(deflateSync(encodeJson(jsonRequest([other]))), { ...JSON_TYPE, 'Content-Encoding': 'deflate' });
    expect(deflated.status).toBe(200);
    expect((await readRun(span.traceId))?.spans).toHaveLength(1);
    expect((await readRun(other.traceId))?.spans).toHaveLength(1);
  });

  it('answers zstd and unknown encodings with 400 and a google.rpc.Status in the request encoding', async () => {
    const protobuf = await post(encodeProtobuf(jsonRequest([jsonSpan()])), { ...PROTOBUF, 'Content-Encoding': 'zstd' });
    expect(protobuf.status).toBe(400);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeRpcStatus(protobuf.body)).toEqual({ code: 3, message: 'unsupported Content-Encoding "zstd"; supported: gzip, deflate, identity' });
    const json = await post('{}', { ...JSON_TYPE, 'Content-Encoding': 'br' });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body.toString())).toMatchObject({ code: 3, message: expect.stringContaining('"br"') });
  });

  it('answers corrupt gzip with 400', async () => {
    const reply = await post(Buffer.from('definitely not gzip'), { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString()).message).toMatch(/^invalid gzip data/);
  });
});

describe('OTLP/HTTP body size limit', () => {
  it('answers a body over collector.maxBodyBytes with 413', async () => {
    const big = jsonRequest([jsonSpan({ attributes: [{ key: 'x', value: { stringValue: 'a'.repeat(MAX_BODY_BYTES) } }] })]);
    const before = spanCount();
    const reply = await post(encodeProtobuf(big), PROTOBUF);
    expect(reply.status).toBe(413);
    expect(decodeRpcStatus(reply.body).message).toMatch(/larger than 262144 bytes as sent/);
    expect(spanCount()).toBe(before);
  });

  it('answers a gzip bomb (small as sent, huge inflated) with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const reply = await post(bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(reply.status).toBe(413);
    expect(decodeRpcStatus(reply.body).message).toMatch(/after decompression/);
  });
});

describe('OTLP/HTTP undecodable bodies', () => {
  it('answers truncated protobuf with 400 and stores nothing', async () => {
    const body = encodeProtobuf(jsonRequest([jsonSpan(), jsonSpan()]));
    const before = spanCount();
    const reply = await post(body.subarray(0, body.length - 3), PROTOBUF);
    expect(reply.status).toBe(400);
    expect(decodeRpcStatus(reply.body)).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid protobuf at byte \d+: /) });
    expect(spanCount()).toBe(before);
  });

  it('answers a known field with the wrong wire type with 400', async () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork().tag(2, WireType.Varint).uint32(1).join();
    const reply = await post(w.finish(), PROTOBUF);
    expect(reply.status).toBe(400);
    expect(decodeRpcStatus(reply.body).message).toMatch(/ResourceSpans field 2 has wire type 0/);
  });

  it('answers wrong JSON types with 400 naming the field, and stores nothing of the request', async () => {
    const good = jsonSpan();
    const request = jsonRequest([good, { ...jsonSpan(), startTimeUnixNano: 'yesterday' }]);
    const reply = await post(encodeJson(request), JSON_TYPE);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString())).toEqual({
      code: 3,
      message: 'resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got "yesterday"',
    });
    expect(await readRun(good.traceId)).toBeNull();
  });

  it('answers malformed JSON with 400', async () => {
    const reply = await post('{"resourceSpans": [', JSON_TYPE);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString()).message).toMatch(/^invalid JSON/);
  });
});

describe('OTLP/HTTP per-span validation (partial success)', () => {
  function invalidSpans(): [string, JsonSpan][] {
    let deep: JsonAnyValue = { stringValue: 'x' };
    for (let i = 0; i < 6; i++) deep = { arrayValue: { values: [deep] } };
    return [
      ['short trace id', jsonSpan({ traceId: 'abcd' })],
      ['zero trace id', jsonSpan({ traceId: '0'.repeat(32) })],
      ['empty span id', jsonSpan({ spanId: '' })],
      ['zero span id', jsonSpan({ spanId: '0'.repeat(16) })],
      ['bad parent', jsonSpan({ parentSpanId: '0102' })],
      ['too many attributes', jsonSpan({ attributes: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } })) })],
      ['huge value', jsonSpan({ attributes: [{ key: 'prompt', value: { stringValue: 'p'.repeat(2000) } }] })],
      ['deep value', jsonSpan({ attributes: [{ key: 'deep', value: deep }] })],
    ];
  }

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`stores the valid spans and reports the ${encoding} rejected ones in partial_success`, async () => {
      const valid = [jsonSpan({ name: 'good one' }), jsonSpan({ name: 'good two' })];
      const bad = invalidSpans().map(([, span]) => span);
      const request = jsonRequest([valid[0]!, ...bad, valid[1]!]);
      const reply =
        encoding === 'protobuf' ? await post(encodeProtobuf(request), PROTOBUF) : await post(encodeJson(request), JSON_TYPE);
      expect(reply.status).toBe(200);
      const partial =
        encoding === 'protobuf'
          ? decodeExportResponse(reply.body)!
          : (JSON.parse(reply.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }).partialSuccess;
      expect(String(partial.rejectedSpans)).toBe('8');
      expect(partial.errorMessage).toContain('rejected 8 of 10 spans');
      expect(partial.errorMessage).toContain('2 × trace id must be 16 bytes (32 hex digits) and not all zero');
      expect(partial.errorMessage).toContain('more than 10 attributes');
      expect(partial.errorMessage).toContain('longer than 1024 bytes');
      expect(partial.errorMessage).toContain('nested more than 4 levels');
      for (const span of valid) expect((await readRun(span.traceId))?.spans.map((s) => s.name)).toEqual([span.name]);
      for (const span of bad.slice(2)) expect(await readRun(span.traceId)).toBeNull();
    });
  }
});

describe('OTLP/HTTP data fidelity', () => {
  const allKinds = (): { key: string; value?: JsonAnyValue }[] => [
    { key: 'str', value: { stringValue: '<script>"x"</script> ✓' } },
    { key: 'bool', value: { boolValue: true } },
    { key: 'int', value: { intValue: '-42' } },
    { key: 'bigint', value: { intValue: '9223372036854775807' } },
    { key: 'double', value: { doubleValue: 3.25 } },
    { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, { boolValue: false }] } } },
    { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'nested', value: { kvlistValue: { values: [{ key: 'n', value: { doubleValue: 0.5 } }] } } }] } } },
    { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
    { key: 'empty', value: {} },
  ];
  const expected = {
    str: '<script>"x"</script> ✓',
    bool: true,
    int: -42,
    bigint: '9223372036854775807',
    double: 3.25,
    array: ['a', 1, false],
    kvlist: { nested: { n: 0.5 } },
    bytes: 'AAEC/w==',
    empty: null,
  };

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`reads back every AnyValue kind, an event and the status sent as ${encoding}`, async () => {
      const span = jsonSpan({
        name: 'fidelity',
        attributes: allKinds(),
        events: [{ timeUnixNano: '1700000000100000000', name: 'gen_ai.content.prompt', attributes: [{ key: 'role', value: { stringValue: 'user' } }] }],
        status: { code: 2, message: 'tool error' },
      });
      const request = jsonRequest([span]);
      const reply = encoding === 'protobuf' ? await post(encodeProtobuf(request), PROTOBUF) : await post(encodeJson(request), JSON_TYPE);
      expect(reply.status).toBe(200);
      const stored = (await readRun(span.traceId))!.spans[0]!;
      expect(stored.attributes).toEqual(expected);
      expect(stored.events).toEqual([{ name: 'gen_ai.content.prompt', time: '2023-11-14T22:13:20.100Z', attributes: { role: 'user' } }]);
      expect([stored.status, stored.statusMessage]).toEqual(['error', 'tool error']);
    });
  }

  it('keeps startTimeUnixNano 1700000000123456789 exact when JSON sends it as a number', async () => {
    const traceId = freshId(16);
    const spanId = freshId(8);
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${traceId.toUpperCase()}","spanId":"${spanId}","name":"precise","kind":"SPAN_KIND_CLIENT",
      "startTimeUnixNano":1700000000123456789,"endTimeUnixNano":1700000000123456999,"attributes":[{"key":"n","value":{"intValue":9007199254740993}}]}]}]}]}`;
    expect((await post(text, JSON_TYPE)).status).toBe(200);
    const row = service.db.prepare('SELECT start_ns, end_ns, otel_kind, attributes FROM spans WHERE trace_id = ?').safeIntegers(true).get(traceId) as Record<string, unknown>;
    expect(row.start_ns).toBe(1700000000123456789n);
    expect(row.end_ns).toBe(1700000000123456999n);
    expect(row.otel_kind).toBe(3n);
    expect(JSON.parse(row.attributes as string)).toEqual({ n: '9007199254740993' });
  });

  it('accepts snake_case keys, enum names and unknown keys in JSON', async () => {
    const traceId = freshId(16);
    const text = JSON.stringify({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake-agent' } }], futureField: 1 },
          scope_spans: [{ spans: [{ trace_id: traceId, span_id: freshId(8), name: 'snake', start_time_unix_nano: '1700000000000000000', end_time_unix_nano: '1700000001000000000', status: { code: 'STATUS_CODE_OK' }, kind: 'SPAN_KIND_SERVER', novel: [] }] }],
        },
      ],
    });
    expect((await post(text, JSON_TYPE)).status).toBe(200);
    const read = (await readRun(traceId))!;
    expect(read.run).toMatchObject({ service: 'snake-agent', name: 'snake', status: 'ok', durationMs: 1000 });
  });

  it('skips unknown protobuf fields', async () => {
    const span = jsonSpan({ name: 'with unknowns' });
    const body = Buffer.concat([encodeProtobuf(jsonRequest([span])), Buffer.from(new BinaryWriter().tag(77, WireType.LengthDelimited).string('future').tag(78, WireType.Varint).uint32(5).finish())]);
    expect((await post(body, PROTOBUF)).status).toBe(200);
    expect((await readRun(span.traceId))!.spans[0]!.name).toBe('with unknowns');
  });

  it('stores nothing twice when an identical request is retried', async () => {
    const spans = [jsonSpan(), jsonSpan()];
    spans[1]!.traceId = spans[0]!.traceId;
    spans[1]!.parentSpanId = spans[0]!.spanId;
    const body = encodeProtobuf(jsonRequest(spans));
    expect((await post(body, PROTOBUF)).status).toBe(200);
    const before = spanCount();
    expect((await post(body, PROTOBUF)).status).toBe(200);
    expect(spanCount()).toBe(before);
    expect((await readRun(spans[0]!.traceId))!.run.spanCount).toBe(2);
  });
});

describe('OTLP/HTTP when storage fails', () => {
  it('answers 503 with Retry-After and a google.rpc.Status, storing nothing', async () => {
    const broken = await startTestService({ collector: { retryAfterSeconds: 7 } });
    try {
      broken.db.exec('DROP TABLE runs');
      const span = jsonSpan();
      const reply = await fetch(`${broken.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: JSON_TYPE });
      expect(reply.status).toBe(503);
      // Spread over [retryAfterSeconds, 2 × retryAfterSeconds] so refused senders do not herd.
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(7);
      expect(Number(reply.headers.get('retry-after'))).toBeLessThanOrEqual(14);
      expect(await reply.json()).toEqual({ code: 14, message: 'storing the spans failed; retry later' });
      expect((broken.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n).toBe(0);
    } finally {
      await broken.stop();
    }
  });
});

describe('OTLP/HTTP with storage.writerThread on', () => {
  it('commits on the writer thread before answering, and closes cleanly', async () => {
    const threaded = await startTestService({ storage: { writerThread: true } });
    try {
      const span = jsonSpan({ name: 'threaded' });
      const reply = await fetch(`${threaded.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: JSON_TYPE });
      expect([reply.status, await reply.text()]).toEqual([200, '{}']);
      const row = threaded.db.prepare('SELECT name FROM spans WHERE trace_id = ?').get(span.traceId) as { name: string } | undefined;
      expect(row?.name).toBe('threaded');
    } finally {
      await threaded.stop();
    }
  });
});
