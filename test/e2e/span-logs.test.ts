import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { RunningService } from '../../cli/service.js';
import type { ApiSpan } from '../../model/api.js';
import type { LaunchedBrowser } from './chromium.js';
import { startWebService, type WebServiceUnderTest } from '../support/web-service.js';
import { sendRuns } from './send-runs.js';

/**
 * Log records tied to a span, in the span panel of the run page, in real Chromium: sent by the
 * real OTLP logs exporter, shown bounded (20 with "+N more"), hostile bodies as text.
 */

const SCRIPT_PAYLOAD = "<script>window.__pwned = 'log-script'; fetch('/xss-hit?via=log')</script>";
const IMG_PAYLOAD = '<img src=x onerror="window.__pwned = \'log-img\'">';
const LOG_COUNT = 26;

let web: WebServiceUnderTest;
let service: RunningService;
let browser: LaunchedBrowser;
let traceId: string;
let toolSpanId: string;
let rootSpanId: string;

beforeAll(async () => {
  web = await startWebService();
  ({ service, browser } = web);
  [traceId] = (await sendRuns(`${service.url}/v1/traces`, [
    {
      agent: 'logging-agent',
      startMs: Date.now() - 60_000,
      steps: [
        { kind: 'llm', durationMs: 200, text: '', finishReason: 'tool_call' },
        { kind: 'tool', tool: 'fetch_invoice', args: '{"id":"I-1"}', result: '{"total":12}', durationMs: 90 },
        { kind: 'llm', durationMs: 150, text: 'The invoice total is 12.' },
      ],
    },
  ])) as [string];
  const spans = ((await (await fetch(`${service.url}/api/runs/${traceId}`)).json()) as { spans: ApiSpan[] }).spans;
  toolSpanId = spans.find((span) => span.kind === 'tool')!.spanId;
  rootSpanId = spans.find((span) => span.parentSpanId === null)!.spanId;

  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'logging-agent' }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${service.url}/v1/logs` }), scheduledDelayMillis: 10 })],
  });
  const logger = provider.getLogger('e2e');
  const spanContext = trace.setSpanContext(context.active(), { traceId, spanId: toolSpanId, traceFlags: TraceFlags.SAMPLED });
  const startMs = Date.now() - 59_000;
  logger.emit({ context: spanContext, timestamp: startMs, severityNumber: SeverityNumber.ERROR, body: `upstream said ${SCRIPT_PAYLOAD}`, attributes: { 'http.response.body': IMG_PAYLOAD } });
  for (let i = 1; i < LOG_COUNT; i++) logger.emit({ context: spanContext, timestamp: startMs + i, severityNumber: SeverityNumber.INFO, body: `retrying invoice fetch, attempt ${i}` });
  await provider.forceFlush();
  await provider.shutdown();
}, 60_000);

afterAll(async () => {
  await web?.close();
});

describe('span panel: log records', () => {
  it('shows the selected span\'s log records, bounded with "+N more", hostile content as text, also when the panel is swapped in by a click', async () => {
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${service.url}/runs/${traceId}?span=${toolSpanId}`, { waitUntil: 'load' });

    const logs = page.locator(`#span-panel [data-span-detail="${toolSpanId}"] [data-span-logs]`);
    await expect(logs.locator('h4').textContent()).resolves.toBe(`Log records (${LOG_COUNT})`);
    await expect(logs.locator('ol.span-logs > li').count()).resolves.toBe(20);
    await expect(logs.locator('[data-more-logs]').getAttribute('data-more-logs')).resolves.toBe(String(LOG_COUNT - 20));
    await expect(logs.locator('[data-more-logs]').textContent()).resolves.toMatch(/^\+6 more/);
    const first = logs.locator('ol.span-logs > li').first();
    await expect(first.locator('.log-severity').textContent()).resolves.toBe('ERROR');
    await expect(first.textContent()).resolves.toContain(`upstream said ${SCRIPT_PAYLOAD}`);
    await expect(page.getByText(IMG_PAYLOAD, { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(logs.locator('ol.span-logs > li').nth(1).textContent()).resolves.toContain('retrying invoice fetch, attempt 1');

    // The root has no log records: no section. Clicking the tool row swaps the panel back in place, logs included.
    await page.locator(`#waterfall a.wf-row#span-${rootSpanId}`).click();
    await page.waitForSelector(`#span-panel [data-span-detail="${rootSpanId}"]`);
    await expect(page.locator('#span-panel [data-span-logs]').count()).resolves.toBe(0);
    await page.locator(`#waterfall a.wf-row#span-${toolSpanId}`).click();
    await page.waitForSelector(`#span-panel [data-span-detail="${toolSpanId}"] [data-span-logs]`);
    await expect(page.locator('#span-panel ol.span-logs > li').count()).resolves.toBe(20);

    // Nothing of the hostile content ran.
    await page.waitForTimeout(200);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).resolves.toBeUndefined();
    expect(requests.filter((url) => url.includes('xss-hit') || /\/x(\?|$)/.test(new URL(url).pathname))).toEqual([]);
    await expect(page.locator('main script, main img[src="x"]').count()).resolves.toBe(0);
    await page.close();
  });
});
