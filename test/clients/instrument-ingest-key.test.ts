import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, traceAgentRun, traceToolCall, type Tracing } from '../../instrument/index.js';
import { checkEndpoint } from '../../demo/check-endpoint.js';
import { startClientTestService, type ClientTestService } from './support/client-test-service.js';

/** tracehound/instrument against a tracehound that requires an ingest key (auth.ingestKeys). */
const KEY = 'test-ingest-key-0123456789';
let service: ClientTestService;
let tracing: Tracing;

beforeAll(async () => {
  service = await startClientTestService({ ingestKeys: [KEY] });
  tracing = startTracing({ serviceName: 'keyed-agent', endpoint: service.url, apiKey: KEY, shutdownOnExit: false });
});
afterAll(async () => {
  await tracing.shutdown();
  await service.stop();
});

describe('tracehound/instrument with an ingest key', () => {
  it('sends the key as a bearer token and its runs are stored', async () => {
    await traceAgentRun('keyed', () => traceToolCall('ping', {}, () => 'pong'));
    await tracing.forceFlush();
    expect(tracing.stats()).toMatchObject({ exportedSpans: 2, failedSpans: 0 });
    expect((await service.runs()).map((run) => run.agent)).toEqual(['keyed']);
  });

  it('is refused without the key (what the demo checks before sending)', async () => {
    expect(await checkEndpoint(`${service.url}/v1/traces`)).toMatch(/answered 401/);
    expect(await checkEndpoint(`${service.url}/v1/traces`, { Authorization: `Bearer ${KEY}` })).toBeNull();
  });
});
