import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanStatusCode } from '@opentelemetry/api';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/**
 * F3: a secret in a value that normalisation derives a column from (service.name, the agent
 * name, the session id, the model, the tool name, the scope) is redacted BEFORE it is derived:
 * it reaches neither the database, nor its WAL, nor the API, pages or a report.
 */

const EMAIL = 'derived.leak@example.org';
const CUSTOM = 'EMP-424242';

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService({
    storage: { synchronous: 'full' },
    analyzer: { enabled: true, idle: '200ms', pollInterval: '100ms' },
    redaction: { patterns: [{ name: 'employee_id', regex: 'EMP-\\d{6}' }], denyAttributes: ['*password*', 'session.id'] },
  });
});
afterAll(async () => {
  await service.stop();
});

function storedBytes(): string {
  return ['', '-wal'].map((suffix) => (existsSync(service.dbPath + suffix) ? readFileSync(service.dbPath + suffix).toString('latin1') : '')).join('');
}

function expectClean(where: string, text: string): void {
  expect(text.includes(EMAIL), `the e-mail reached ${where}`).toBe(false);
  expect(text.includes(CUSTOM), `the custom secret reached ${where}`).toBe(false);
  expect(text.includes('secret-session-value'), `the denied session id reached ${where}`).toBe(false);
}

describe('F3: redaction before anything is derived', () => {
  it('keeps secrets out of derived columns, the WAL, the API, the pages and a report', async () => {
    const exporter = new OTLPTraceExporter({ url: `${service.url}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': `billing-${EMAIL}` }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer(`scope-${CUSTOM}`);
    const root = tracer.startSpan('invoke_agent', {
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': `agent of ${EMAIL}`,
        'session.id': 'secret-session-value',
        'gen_ai.conversation.id': `conv-${EMAIL}`,
      },
    });
    const traceId = root.spanContext().traceId;
    const { trace, context } = await import('@opentelemetry/api');
    const parent = trace.setSpan(context.active(), root);
    const llm = tracer.startSpan('chat', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': `model-${EMAIL}`, 'gen_ai.response.model': `model-${CUSTOM}` } }, parent);
    llm.end();
    const tool = tracer.startSpan(`execute_tool`, { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': `lookup_${CUSTOM}` } }, parent);
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    tool.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    // Wait for the analyser to derive the run row.
    let runs: { runs?: unknown[] } = {};
    for (let i = 0; i < 100; i++) {
      runs = (await (await fetch(`${service.url}/api/runs`)).json()) as { runs?: unknown[] };
      if ((runs.runs?.length ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(runs.runs?.length).toBe(1);
    const apiText = JSON.stringify(runs) + (await (await fetch(`${service.url}/api/runs/${traceId}`)).text());
    expect(apiText).toContain('[REDACTED:email]');
    expectClean('the API', apiText);
    expectClean('the runs page', await (await fetch(`${service.url}/runs`)).text());
    expectClean('the run page', await (await fetch(`${service.url}/runs/${traceId}`)).text());
    const made = await fetch(`${service.url}/api/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ since: '24h' }) });
    expect(made.status).toBe(201);
    const report = (await made.json()) as { id: string };
    expectClean('the report', (await (await fetch(`${service.url}/reports/${report.id}`)).text()) + JSON.stringify(report));

    const row = service.db.prepare('SELECT service, agent, session_id AS sessionId, operation FROM spans WHERE trace_id = ? AND parent_span_id IS NULL').get(traceId) as Record<string, string>;
    expect(row.service).toContain('[REDACTED:email]');
    expect(row.agent).toBe('agent of [REDACTED:email]');
    expectClean('the database or its WAL', storedBytes());
    await service.close();
    expectClean('the database after checkpoint', storedBytes());
  });
});
