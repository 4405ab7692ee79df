import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanStatusCode } from '@opentelemetry/api';
import { encodeJson, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/** Secrets that must never reach the database file or its WAL, each with the marker it becomes. */
const SECRETS = {
  email: 'leaky.person@example.org',
  openai_key: 'sk-proj-LEAK0123456789abcdefLEAK',
  aws_key: 'AKIALEAKTEST1234ABCD',
  github_token: 'ghp_LEAK0123456789abcdefghijklmnopqrstuv',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFreSJ9.LEAKsignature0123456789abcdef',
  bearer: 'LEAKYBEARERTOKEN123456',
  card: '4111 1111 1111 1111',
  attribute: 'correct-horse-battery-LEAK',
  employee_id: 'EMP-990011',
} as const;

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService({
    storage: { synchronous: 'full' },
    redaction: { patterns: [{ name: 'employee_id', regex: 'EMP-\\d{6}' }] },
  });
});
afterAll(async () => {
  await service.stop();
});

/** Every byte SQLite wrote: the main file and the write-ahead log. */
function storedBytes(): string {
  return ['', '-wal'].map((suffix) => (existsSync(service.dbPath + suffix) ? readFileSync(service.dbPath + suffix).toString('latin1') : '')).join('');
}

function expectNoSecret(bytes: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(bytes.includes(secret), `${name} "${secret}" found in the database bytes`).toBe(false);
  }
  expect(bytes.includes('4111111111111111')).toBe(false);
}

describe('redaction at ingest', () => {
  it('stores no secret sent through the real exporter or raw OTLP/JSON, in the .db or -wal bytes', async () => {
    const exporter = new OTLPTraceExporter({ url: `${service.url}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'redaction-test', 'owner.email': SECRETS.email }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('redaction-test');
    const tool = tracer.startSpan(`lookup ${SECRETS.email}`, {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_customer',
        'gen_ai.tool.call.arguments': JSON.stringify({ email: SECRETS.email, card: SECRETS.card }),
        'gen_ai.tool.call.result': JSON.stringify({ token: SECRETS.github_token, note: `for ${SECRETS.employee_id}` }),
        'http.request.header.authorization': `Bearer ${SECRETS.bearer}`,
        'db.password': SECRETS.attribute,
        'input.value': `use key ${SECRETS.openai_key} and ${SECRETS.aws_key}`,
        'nested.list': [`jwt ${SECRETS.jwt}`, 'harmless'],
      },
    });
    tool.addEvent('exception', { 'exception.message': `call failed with Authorization: Bearer ${SECRETS.bearer}` });
    tool.setStatus({ code: SpanStatusCode.ERROR, message: `no account for ${SECRETS.email}` });
    const traceId = tool.spanContext().traceId;
    tool.end();
    await provider.forceFlush();
    await provider.shutdown();

    const raw = jsonRequest([
      jsonSpan({
        name: 'chat',
        attributes: [
          { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
          { key: 'gen_ai.output.messages', value: { stringValue: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `Card ${SECRETS.card} charged` }] }]) } },
          { key: 'user', value: { kvlistValue: { values: [{ key: 'api_key', value: { stringValue: SECRETS.openai_key } }] } } },
        ],
      }),
    ]);
    const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: encodeJson(raw) });
    expect(response.status).toBe(200);

    const row = service.db.prepare('SELECT attributes, tool, name, status_message AS statusMessage, events FROM spans WHERE trace_id = ?').get(traceId) as Record<string, string>;
    expect(JSON.parse(row.attributes!)['tracehound.redacted']).toEqual(['attribute', 'aws_key', 'bearer', 'card', 'email', 'employee_id', 'github_token', 'jwt', 'openai_key']);
    expect(row.name).toBe('lookup [REDACTED:email]');
    expect(row.statusMessage).toBe('no account for [REDACTED:email]');
    expect(JSON.parse(row.tool!)).toMatchObject({ arguments: '{"email":"[REDACTED:email]","card":"[REDACTED:card]"}' });

    const live = storedBytes();
    expect(live).toContain('[REDACTED:email]'); // the spans are there, redacted
    expectNoSecret(live);
  });

  it('still holds no secret after shutdown checkpoints the WAL into the main file', async () => {
    await service.close();
    const bytes = storedBytes();
    expect(bytes).toContain('[REDACTED:card]');
    expectNoSecret(bytes);
  });
});
