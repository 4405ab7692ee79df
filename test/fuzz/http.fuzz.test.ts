import { gzipSync, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJson, encodeProtobuf, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startSecureService, type SecureTestService } from '../security/support/secure-service.js';
import { HTTP_FUZZ_RUNS, mutateBytes, traceRequestArbitrary } from './support/otlp-arbitraries.js';

/**
 * Fuzzing at the HTTP level against a real service: whatever arrives on the OTLP path or the
 * API, the answer is a deliberate status (never a 500 or a dropped connection) and the process
 * keeps serving. Limits are small so they are hit often.
 */
const MAX_BODY_BYTES = 64 * 1024;
let service: SecureTestService;
const counts = { otlp: 0, api: 0 };
const statuses = new Map<number, number>();

beforeAll(async () => {
  service = await startSecureService({
    collector: { maxBodyBytes: MAX_BODY_BYTES, maxAttributeCount: 16, maxAttributeValueBytes: 1024, maxNestingDepth: 4 },
  });
});
afterAll(async () => {
  console.log(
    `fuzz over HTTP: ${counts.otlp} OTLP requests, ${counts.api} API requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
  );
  await service.stop();
});

function post(body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${service.url}/v1/traces`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

const contentType = fc.constantFrom('application/x-protobuf', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-protobuf; q=1', '', 'APPLICATION/JSON');
const contentEncoding = fc.constantFrom(undefined, 'gzip', 'deflate', 'identity', 'zstd', 'br', 'gzip, gzip', 'x-unknown');
const compress = fc.constantFrom('none', 'gzip', 'deflate');

/** Bad input is never answered with a retryable 429/503 (the exporter would resend it forever) nor a 5xx. */
const OTLP_STATUSES = [200, 400, 413, 415];

describe('HTTP fuzzing of the OTLP endpoint', () => {
  it('answers any body, media type and encoding with a deliberate status and keeps serving', async () => {
    const body = fc.oneof(
      traceRequestArbitrary.map((request) => encodeProtobuf(request)),
      traceRequestArbitrary.map((request) => Buffer.from(encodeJson(request))),
      traceRequestArbitrary.chain((request) => mutateBytes(encodeProtobuf(request))),
      fc.uint8Array({ maxLength: 2048 }),
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, contentEncoding, compress, async (raw, type, encoding, how) => {
        counts.otlp++;
        const payload = how === 'gzip' ? gzipSync(raw) : how === 'deflate' ? deflateSync(raw) : raw;
        const headers: Record<string, string> = { 'Content-Type': type };
        if (encoding !== undefined) headers['Content-Encoding'] = encoding;
        const response = await post(payload, headers);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(OTLP_STATUSES).toContain(response.status);
      }),
      { numRuns: HTTP_FUZZ_RUNS },
    );
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('refuses a body over the limit, as sent or after decompression, with 413', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x41);
    expect((await post(big, { 'Content-Type': 'application/x-protobuf' })).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // ~50 KiB that inflates to 50 MiB
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const response = await post(bomb, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(413);
  });

  it('rejects spans over the attribute-count, value-length and nesting limits as a partial success', async () => {
    let nested: object = { stringValue: 'x' };
    for (let i = 0; i < 6; i++) nested = { arrayValue: { values: [nested] } };
    const spans = [
      jsonSpan({ attributes: Array.from({ length: 17 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } })) }),
      jsonSpan({ attributes: [{ key: 'long', value: { stringValue: 'x'.repeat(1025) } }] }),
      jsonSpan({ attributes: [{ key: 'deep', value: nested }] }),
      jsonSpan(),
    ];
    const response = await post(encodeJson(jsonRequest(spans)), { 'Content-Type': 'application/json' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('3');
    expect(body.partialSuccess.errorMessage).toMatch(/maxAttributeCount/);
    expect(body.partialSuccess.errorMessage).toMatch(/maxAttributeValueBytes/);
  });
});

const apiPath = fc.oneof(
  fc.constantFrom('/api/runs', '/api/flags', '/api/reports', '/api/suppressions', '/', '/runs', '/flags', '/reports'),
  fc.string({ maxLength: 40 }).map((id) => `/api/runs/${encodeURIComponent(id)}`),
  fc.string({ maxLength: 40 }).map((id) => `/api/reports/${encodeURIComponent(id)}`),
  fc.string({ maxLength: 40 }).map((rest) => `/api/${encodeURIComponent(rest)}`),
  fc.string({ maxLength: 40 }).map((id) => `/runs/${encodeURIComponent(id)}`),
);
const queryKey = fc.constantFrom('detector', 'service', 'agent', 'status', 'since', 'until', 'q', 'limit', 'cursor', 'severity', 'review', 'format', 'x');
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'NaN', 'tool_loop', '24h', '2026-01-01T00:00:00Z', 'not-a-date', '%', '\u0000', 'eyJ9'),
);

describe('HTTP fuzzing of the API and pages', () => {
  it('answers any query on any read route with a 2xx, 3xx or 4xx, and /api/* errors as { error }', async () => {
    await fc.assert(
      fc.asyncProperty(apiPath, fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 }), async (path, params) => {
        counts.api++;
        const response = await fetch(`${service.url}${path}?${new URLSearchParams(params)}`, { redirect: 'manual' });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${path}?${new URLSearchParams(params)} → ${text.slice(0, 200)}`).toBeLessThan(500);
        if (path.startsWith('/api/') && response.status >= 400) expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
      }),
      { numRuns: HTTP_FUZZ_RUNS },
    );
  });

  it('answers any body posted to the write routes with a deliberate status, never a 500', async () => {
    const route = fc.oneof(
      fc.string({ maxLength: 20 }).map((id) => `/api/flags/${encodeURIComponent(id)}/review`),
      fc.string({ maxLength: 20 }).map((id) => `/api/flags/${encodeURIComponent(id)}/suppress`),
      fc.constantFrom('/api/reports', '/api/analyze', '/api/runs'),
    );
    const body = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.record({ verdict: fc.constantFrom('confirmed', 'false_positive', 'maybe', ''), note: fc.oneof(fc.string(), fc.integer()) }).map((value) => JSON.stringify(value)),
      fc.record({ since: queryValue, until: queryValue }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(route, body, fc.constantFrom('application/json', 'text/plain', ''), async (path, text, type) => {
        counts.api++;
        const response = await fetch(`${service.url}${path}`, { method: 'POST', headers: type === '' ? {} : { 'Content-Type': type }, body: text });
        const answer = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${path} ${text.slice(0, 100)} → ${answer.slice(0, 200)}`).toBeLessThan(500);
        if (response.status >= 400) expect(JSON.parse(answer)).toEqual({ error: expect.any(String) });
      }),
      { numRuns: Math.max(100, Math.floor(HTTP_FUZZ_RUNS / 3)) },
    );
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});
