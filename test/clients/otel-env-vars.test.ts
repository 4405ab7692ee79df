import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * Plain OpenTelemetry, configured by the standard environment variables only
 * (OTEL_EXPORTER_OTLP_ENDPOINT + OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, and the ingest
 * key in OTEL_EXPORTER_OTLP_HEADERS), in a separate
 * Node process started with `node --import ./tracing.mjs`, with the Vercel AI SDK writing the
 * spans: the setup the README gives.
 */
const run = promisify(execFile);
let service: ClientTestService;
const KEY = 'env-ingest-key-0123456789';

beforeAll(async () => {
  service = await startClientTestService({ ingestKeys: [KEY] });
});
afterAll(async () => {
  await service.stop();
});

describe('OpenTelemetry configured by OTEL_* environment variables', () => {
  it('delivers a Vercel AI SDK run over http/protobuf', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    const { stdout, stderr } = await run(process.execPath, ['--import', './otel-env-tracing.mjs', 'otel-env-agent.mjs'], {
      cwd: fixtures,
      env: {
        PATH: process.env.PATH,
        OTEL_SERVICE_NAME: 'env-configured-agent',
        OTEL_EXPORTER_OTLP_ENDPOINT: service.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${KEY}`,
      },
    });
    expect(stdout.trim()).toBe('It is 22 degrees in Paris.');
    expect(stderr).toBe('');
    await service.analyze();
    const [summary] = await service.runs();
    const detail = await service.run(summary!.traceId);
    expect(detail.run).toMatchObject({ service: 'env-configured-agent', agent: 'weather-agent', llmCallCount: 2, toolCallCount: 1, inputTokens: 60, outputTokens: 16 });
    expect(detail.flags).toEqual([]);
  });
});
