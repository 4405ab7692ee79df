import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJson, encodeProtobuf, jsonRequest, jsonSpan, type JsonKeyValue, type JsonTraceRequest } from '../collector/support/otlp-payloads.js';
import { decodeProtobufTraceRequest } from '../../collector/decode/protobuf-decoder.js';
import { decodeJsonTraceRequest } from '../../collector/decode/json-decoder.js';
import { configSchema } from '../../config/schema.js';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/**
 * F5: events and links per span are bounded at ingest (collector.maxEventsPerSpan /
 * maxLinksPerSpan), what was dropped is counted on the span, and pages render a bounded part.
 * F11: attributes past collector.maxAttributeCount are skipped unbuilt while decoding, so a
 * request of many attributes costs a walk over its bytes, not one object per attribute.
 * (Times are measured in bench/hostile-input.bench.ts, not asserted here.)
 */

const events = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ timeUnixNano: String(1700000000000000000n + BigInt(i)), name: `step ${i}`, attributes: [{ key: 'i', value: { intValue: i } }] }));
const links = (count: number) => Array.from({ length: count }, () => ({ traceId: jsonSpan().traceId, spanId: jsonSpan().spanId }));
const attributes = (count: number): JsonKeyValue[] => Array.from({ length: count }, (_, i) => ({ key: `a.${i}`, value: { stringValue: `v${i}` } }));

async function post(service: SecureTestService, request: JsonTraceRequest, encoding: 'json' | 'protobuf') {
  const response = await fetch(`${service.url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' },
    body: encoding === 'json' ? encodeJson(request) : new Uint8Array(encodeProtobuf(request)),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('F5: events and links per span at ingest', () => {
  let service: SecureTestService;
  beforeAll(async () => {
    service = await startSecureService({ collector: { maxEventsPerSpan: 100, maxLinksPerSpan: 5 } });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('has defaults for both limits', () => {
    const { collector } = configSchema.parse({});
    expect(collector.maxEventsPerSpan).toBe(1024);
    expect(collector.maxLinksPerSpan).toBe(128);
  });

  it.each(['protobuf', 'json'] as const)('keeps the first maxEventsPerSpan events over %s and counts the rest (with the sender\'s own count) on the span', async (encoding) => {
    const span = jsonSpan({ name: 'many events', events: events(5_000), links: links(40), droppedEventsCount: 7, droppedLinksCount: 1 });
    expect(await post(service, jsonRequest([span]), encoding)).toBe(200);
    const api = await fetch(`${service.url}/api/runs/${span.traceId}`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { spans: { events: { name: string }[]; attributes: Record<string, unknown> }[] };
    expect(body.spans).toHaveLength(1);
    expect(body.spans[0]!.events).toHaveLength(100);
    expect(body.spans[0]!.events[99]!.name).toBe('step 99');
    expect(body.spans[0]!.attributes['tracehound.dropped_events_count']).toBe(4_900 + 7);
    expect(body.spans[0]!.attributes['tracehound.dropped_links_count']).toBe(35 + 1);
    const page = await (await fetch(`${service.url}/runs/${span.traceId}`)).text();
    expect(page).toContain('4907 more events were dropped at ingest');
  });
});

describe('F5: pages render a bounded part of a span with many events', () => {
  let service: SecureTestService;
  beforeAll(async () => {
    // A span stored without a tight ingest bound (as before the limit existed).
    service = await startSecureService({ collector: { maxEventsPerSpan: 100_000 } });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('the run page, its flame view and the span panel show at most 200 events and say so', async () => {
    const span = jsonSpan({ name: 'many events', events: events(3_000) });
    expect(await post(service, jsonRequest([span]), 'protobuf')).toBe(200);
    for (const path of [`/runs/${span.traceId}`, `/runs/${span.traceId}?view=flame`, `/runs/${span.traceId}/spans/${span.spanId}`]) {
      const response = await fetch(`${service.url}${path}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html.match(/<b>step \d+<\/b>/g)?.length).toBe(200);
      expect(html).toContain('Showing the first 200 of 3,000 events');
    }
  });
});

describe('F11: attributes past the limit are not built while decoding', () => {
  const limits = { maxNestingDepth: 32, maxAttributeCount: 1024 };
  const wide = () => {
    const span = jsonSpan({ name: 'wide', attributes: attributes(200_000), events: [{ timeUnixNano: '1', name: 'e', attributes: attributes(5_000) }] });
    const request = jsonRequest([span]);
    request.resourceSpans[0]!.resource!.attributes.push(...attributes(100_000));
    return request;
  };

  it('protobuf: the span holds at most maxAttributeCount attributes and is marked too_many_attributes; the resource keeps its first ones', () => {
    const decoded = decodeProtobufTraceRequest(encodeProtobuf(wide()), limits);
    const resource = decoded.request.resourceSpans[0]!;
    const span = resource.scopeSpans[0]!.spans[0]!;
    expect(Object.keys(span.attributes).length).toBeLessThanOrEqual(1024);
    expect(Object.keys(span.events[0]!.attributes).length).toBeLessThanOrEqual(1024);
    expect(Object.keys(resource.resource).length).toBe(1024);
    expect(resource.resource['service.name']).toBe('test-agent');
    expect(decoded.spanIssues.get(span)?.reason).toBe('too_many_attributes');
  });

  it('JSON: the same', () => {
    const decoded = decodeJsonTraceRequest(encodeJson(wide()), limits);
    const resource = decoded.request.resourceSpans[0]!;
    const span = resource.scopeSpans[0]!.spans[0]!;
    expect(Object.keys(span.attributes).length).toBeLessThanOrEqual(1024);
    expect(Object.keys(span.events[0]!.attributes).length).toBeLessThanOrEqual(1024);
    expect(Object.keys(resource.resource).length).toBe(1024);
    expect(decoded.spanIssues.get(span)?.reason).toBe('too_many_attributes');
  });

  it('the service rejects such a span in partial success and stores the valid span beside it', async () => {
    const service = await startSecureService();
    try {
      const valid = jsonSpan({ name: 'valid' });
      const request = jsonRequest([jsonSpan({ name: 'wide', attributes: attributes(100_000) }), valid]);
      const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: encodeJson(request) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/more than 1024 attributes/) } });
      expect((await fetch(`${service.url}/api/runs/${valid.traceId}`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
