import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { startService, type RunningService } from '../../cli/service.js';
import type { Flag } from '../../model/api.js';
import { createLogger } from '../../ops/logger.js';

/** One looping agent run as OTLP/JSON (OTel GenAI attributes), sent through the real endpoint. */
function loopingRun(traceId: string, startMs: number) {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  const rootId = 'a'.repeat(16);
  const spans = [
    { traceId, spanId: rootId, name: 'invoke_agent helper', kind: 1, startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(startMs + 6000), attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'helper')], status: {} },
    ...Array.from({ length: 5 }, (_, i) => ({
      traceId,
      spanId: `b${i}`.padEnd(16, '0'),
      parentSpanId: rootId,
      name: 'execute_tool search',
      kind: 1,
      startTimeUnixNano: nanos(startMs + 100 + i * 1000),
      endTimeUnixNano: nanos(startMs + 400 + i * 1000),
      attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'search'), attr('gen_ai.tool.call.arguments', '{"q":"refund"}'), attr('gen_ai.tool.call.result', '{"hits":[]}')],
      status: {},
    })),
  ];
  return { resourceSpans: [{ resource: { attributes: [attr('service.name', 'e2e-agent')] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }] };
}

describe('flags API (real server)', () => {
  let service: RunningService;
  let dir: string;
  const traceId = '0123456789abcdef0123456789abcdef';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracehound-flags-'));
    const config = parseConfig({ server: { port: 0 }, storage: { path: join(dir, 'db.sqlite') }, reports: { enabled: false }, logging: { level: 'silent' } });
    service = await startService(config, { logger: createLogger('silent') });
    const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(loopingRun(traceId, Date.now() - 60_000)) });
    expect(response.status).toBe(200);
  });

  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, init?: RequestInit) => fetch(`${service.url}${path}`, init);
  const post = (path: string, body: unknown) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('analyses on demand, lists the flag, records a review and suppresses the false positive', async () => {
    expect(await (await post('/api/analyze', {})).json()).toEqual({ analyzed: 1, flagged: 1 });
    const { flags, nextCursor } = (await (await api('/api/flags?detector=tool_loop&review=none')).json()) as { flags: Flag[]; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ traceId, detector: 'tool_loop', spanIds: expect.arrayContaining(['b0'.padEnd(16, '0')]) });
    const reviewed = (await (await post(`/api/flags/${flags[0]!.id}/review`, { verdict: 'false_positive', note: 'expected retries' })).json()) as Flag;
    expect(reviewed.review).toMatchObject({ verdict: 'false_positive', note: 'expected retries' });
    const run = (await (await api(`/api/runs/${traceId}`)).json()) as { run: { flags: unknown[] }; flags: Flag[] };
    // A false positive stays listed with its verdict but no longer badges the run (issue 17, defect 3).
    expect(run.run.flags).toEqual([]);
    expect(run.flags.map((flag) => flag.review?.verdict)).toEqual(['false_positive']);
    const suppression = await post(`/api/flags/${flags[0]!.id}/suppress`, { scope: 'signature' });
    expect(suppression.status).toBe(201);
    const { suppressions } = (await (await api('/api/suppressions')).json()) as { suppressions: { id: string; scope: string }[] };
    expect(suppressions).toMatchObject([{ scope: 'signature' }]);
    expect((await api(`/api/suppressions/${suppressions[0]!.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`/api/suppressions/${suppressions[0]!.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers bad input with a 4xx and a JSON error', async () => {
    const cases: [Promise<Response>, number][] = [
      [api('/api/flags?severity=huge'), 400],
      [api('/api/flags?cursor=garbage'), 400],
      [api('/api/flags?bogus=1'), 400],
      [post('/api/flags/0123456789abcdef/review', { verdict: 'confirmed' }), 404],
      [post('/api/flags/xyz/review', { verdict: 'confirmed' }), 400],
      [api('/api/flags/0123456789abcdef/review', { method: 'POST', body: '{not json' }), 400],
      [post('/api/flags/0123456789abcdef/review', { verdict: 'maybe' }), 400],
      [post('/api/flags/0123456789abcdef/suppress', { scope: 'agent' }), 404],
      [post('/api/flags/0123456789abcdef/suppress', { scope: 'planet' }), 400],
    ];
    for (const [request, status] of cases) {
      const response = await request;
      expect(response.status).toBe(status);
      expect(typeof ((await response.json()) as { error: unknown }).error).toBe('string');
    }
  });
});
