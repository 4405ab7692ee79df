import { afterEach, describe, expect, it } from 'vitest';
import { encodeJson, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startTestService, type TestService } from '../collector/support/test-service.js';

/**
 * F7: /healthz says whether spans can be stored — a failed commit (here the database is full:
 * SQLite's SQLITE_FULL, as on a full disk) or too little free space turns it to 503 — and the
 * analysis lag metrics count the runs still waiting.
 */

let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

const send = async (name: string, pad = 0) => {
  const response = await fetch(`${service!.url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: encodeJson(jsonRequest([jsonSpan({ name, attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(pad) } }] })])),
  });
  await response.arrayBuffer();
  return response.status;
};
const health = async () => {
  const response = await fetch(`${service!.url}/healthz`);
  return { status: response.status, body: (await response.json()) as { status: string; error?: string } };
};

describe('F7: /healthz reflects whether spans can be stored', () => {
  it('answers 503 while commits fail (database full) and 200 again once one succeeds', async () => {
    service = await startTestService({ storage: { writerThread: false } });
    expect(await send('before')).toBe(200);
    expect((await health()).status).toBe(200);
    const pages = (service.db.pragma('page_count', { simple: true }) as number);
    service.db.pragma(`max_page_count = ${pages}`); // no room for another page: every commit fails with SQLITE_FULL
    expect(await send('while full', 200_000)).toBe(503);
    const full = await health();
    expect(full.status).toBe(503);
    expect(full.body.error).toMatch(/commit failed.*full/i);
    service.db.pragma('max_page_count = 1073741823');
    expect(await send('after', 10)).toBe(200);
    expect((await health()).status).toBe(200);
  });

  it('answers 503 when free space on the database file system is under storage.minFreeBytes', async () => {
    service = await startTestService({ storage: { minFreeBytes: Number.MAX_SAFE_INTEGER } });
    const low = await health();
    expect(low.status).toBe(503);
    expect(low.body.error).toMatch(/bytes free/);
  });

  it('reports the runs waiting for analysis, not 0', async () => {
    service = await startTestService();
    for (let i = 0; i < 5; i++) expect(await send(`waiting ${i}`)).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    // The analyser is off in this service: all five runs wait. The gauge is read at scrape time.
    expect(metrics).toMatch(/^tracehound_analysis_pending_runs 5$/m);
  });
});
