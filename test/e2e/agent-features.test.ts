import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startService, type RunningService } from '../../cli/service.js';
import { parseConfig } from '../../config/load-config.js';
import type { Run, Session } from '../../model/api.js';
import { launchChromium, type LaunchedBrowser } from './chromium.js';
import { sendRuns, type RunSpec } from './send-runs.js';

/**
 * What Langfuse and Phoenix users look for first (issue 17): the run's input and answer, cost in
 * money, release and environment, full-text search, sessions. Runs go through the real OTLP
 * exporter to a real service on port 0; pages are read in real Chromium.
 */

const XSS = '<img src=x onerror="window.__pwned = 1">';
const nowMs = Date.now();
const MINUTE_MS = 60_000;

function travelRun(index: number, city: string, extra: Partial<RunSpec> = {}): RunSpec {
  const question = `Book me a flight to ${city}`;
  return {
    agent: 'travel-agent',
    startMs: nowMs - (40 - index) * MINUTE_MS,
    rootAttributes: { 'gen_ai.conversation.id': 'conv-travel-1' },
    resource: { 'service.version': index < 2 ? '1.0.0' : '1.1.0', 'deployment.environment.name': 'production' },
    steps: [
      {
        kind: 'llm',
        durationMs: 300,
        text: '',
        finishReason: 'tool_call',
        inputTokens: 1000,
        outputTokens: 50,
        cachedInputTokens: 400,
        systemInstructions: 'You are a careful travel agent.',
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
        toolCalls: [{ id: `call_${index}`, name: 'search_flights', arguments: { to: city } }],
      },
      { kind: 'tool', tool: 'search_flights', args: JSON.stringify({ to: city }), result: JSON.stringify({ flights: [`TP${100 + index}`] }), durationMs: 120 },
      {
        kind: 'llm',
        durationMs: 400,
        text: `Booked TP${100 + index} to ${city}.`,
        inputTokens: 1200,
        outputTokens: 80,
        inputMessages: [
          { role: 'user', parts: [{ type: 'text', content: question }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: `call_${index}`, name: 'search_flights', arguments: { to: city } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: `call_${index}`, response: { flights: [`TP${100 + index}`] } }] },
        ],
      },
    ],
    ...extra,
  };
}

let service: RunningService;
let browser: LaunchedBrowser;
let dir: string;
let lisbonId: string;
let xssId: string;
let unpricedId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-features-'));
  service = await startService(
    parseConfig({
      server: { port: 0 },
      storage: { path: join(dir, 'features.db'), synchronous: 'normal' },
      analyzer: { enabled: false },
      reports: { enabled: false },
      logging: { level: 'warn' },
      pricing: { models: [{ model: 'acme-mini', input: 1, output: 2 }] },
    }),
  );
  browser = await launchChromium();
  const runs: RunSpec[] = [
    travelRun(0, 'Lisbon'),
    travelRun(1, 'Porto'),
    travelRun(2, `Faro ${XSS}`),
    {
      agent: 'ops-agent',
      startMs: nowMs - 5 * MINUTE_MS,
      resource: { 'service.version': '9.9.9', 'deployment.environment.name': 'staging' },
      steps: [{ kind: 'llm', model: 'in-house-7b', durationMs: 200, text: 'All systems nominal.', inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Status report' }] }] }],
    },
    {
      agent: 'ops-agent',
      startMs: nowMs - 4 * MINUTE_MS,
      steps: [{ kind: 'llm', model: 'acme-mini', durationMs: 200, inputTokens: 1_000_000, outputTokens: 0, text: 'ok' }],
    },
  ];
  runs.push({
    agent: 'research-agent',
    startMs: nowMs - 3 * MINUTE_MS,
    steps: [
      { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call', inputTokens: 2_000_000, outputTokens: 0 },
      ...Array.from({ length: 6 }, () => ({ kind: 'tool' as const, tool: 'web_search', args: '{"query":"tracehound pricing"}', result: '{"results":[]}', durationMs: 90 })),
      { kind: 'llm', durationMs: 300, text: 'I could not find anything.' },
    ],
  });
  const ids = await sendRuns(`${service.url}/v1/traces`, runs);
  [lisbonId, , xssId, unpricedId] = ids as [string, string, string, string];
  const analyzed = await fetch(`${service.url}/api/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(analyzed.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('dialog', (dialog) => void dialog.dismiss());
  return page;
}

describe('run details in the API', () => {
  it('gives each run its input, final answer, model, cost, release and environment', async () => {
    const { body } = await getJson<{ run: Run }>(`/api/runs/${lisbonId}`);
    expect(body.run).toMatchObject({
      input: 'Book me a flight to Lisbon',
      output: 'Booked TP100 to Lisbon.',
      model: 'gpt-4o',
      serviceVersion: '1.0.0',
      environment: 'production',
      sessionId: 'conv-travel-1',
    });
    // gpt-4o at $2.50 / $1.25 cached / $10 per million: (600 + 1200) in, 400 cached, 130 out.
    expect(body.run.costUsd).toBeCloseTo((1800 * 2.5 + 400 * 1.25 + 130 * 10) / 1e6, 10);
    expect((await getJson<{ run: Run }>(`/api/runs/${unpricedId}`)).body.run.costUsd).toBeNull();
  });

  it('prices models added in config', async () => {
    const { body } = await getJson<{ runs: Run[] }>('/api/runs?model=acme-mini');
    expect(body.runs.map((run) => run.costUsd)).toEqual([1]);
  });

  it('finds runs by words of their prompts, answers and tool calls, and filters by model, version, environment and session', async () => {
    const ids = async (query: string) => (await getJson<{ runs: Run[] }>(`/api/runs?${query}`)).body.runs.map((run) => run.traceId);
    expect(await ids('q=Lisbon')).toEqual([lisbonId]);
    expect(await ids('q=TP102')).toEqual([xssId]);
    expect(await ids('q=nominal')).toEqual([unpricedId]);
    expect(await ids('model=in-house-7b')).toEqual([unpricedId]);
    expect((await ids('version=1.0.0')).length).toBe(2);
    expect(await ids('environment=staging')).toEqual([unpricedId]);
    expect((await ids('session=conv-travel-1')).length).toBe(3);
    expect((await getJson<{ error: string }>('/api/runs?model=')).status).toBe(400);
  });
});

describe('runs page', () => {
  it('searches content and shows model, release, environment and cost, escaped', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/runs?q=${encodeURIComponent('Faro')}`);
    const rows = page.locator('#runs-table tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('.run-model').textContent()).resolves.toBe('gpt-4o');
    await expect(rows.first().textContent()).resolves.toContain('1.1.0 · production');
    await expect(rows.first().locator('.run-cost').textContent()).resolves.toMatch(/^\$0\.0\d+$/);
    await Promise.all([page.waitForURL(/environment=staging/), page.goto(`${service.url}/runs`).then(() => page.selectOption('select[name="environment"]', 'staging'))]);
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('.run-cost').textContent()).resolves.toBe('–');
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await page.close();
  });
});

describe('conversation view', () => {
  it('shows the input and final answer first, then each model call as chat turns with tool results', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/runs/${lisbonId}`);
    await expect(page.locator('.io-input').textContent()).resolves.toContain('Book me a flight to Lisbon');
    await expect(page.locator('.io-output').textContent()).resolves.toContain('Booked TP100 to Lisbon.');
    const calls = page.locator('#conversation .call-block');
    await expect(calls.count()).resolves.toBe(2);
    // The system prompt is folded; the first call shows the user's turn and the tool call with its result.
    const system = calls.nth(0).locator('details.turn-system');
    await expect(system.getAttribute('open')).resolves.toBeNull();
    await expect(system.locator('pre').isVisible()).resolves.toBe(false);
    await expect(calls.nth(0).locator('.turn-user').textContent()).resolves.toContain('Book me a flight to Lisbon');
    const toolCall = calls.nth(0).locator('.tool-call');
    await expect(toolCall.textContent()).resolves.toContain('search_flights');
    await expect(toolCall.locator('.tool-result').textContent()).resolves.toContain('TP100');
    await expect(calls.nth(1).locator('p.repeated').textContent()).resolves.toContain('2 earlier messages');
    await expect(calls.nth(1).locator('.turn-answer').textContent()).resolves.toContain('Booked TP100 to Lisbon.');
    // The raw attributes are one click away: the call's span panel.
    await calls.nth(1).getByText('span and raw attributes').click();
    await expect(page.locator('#span-panel').textContent()).resolves.toContain('gen_ai.input.messages');
    await expect(page.locator('.stat-cost .stat-value').textContent()).resolves.toMatch(/^\$0\.0\d+$/);
    await page.close();
  });

  it('renders message content as text, never as markup', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/runs/${xssId}`);
    await expect(page.locator('.io-input').textContent()).resolves.toContain(XSS);
    await expect(page.locator('#conversation img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await page.close();
  });
});

describe('sessions', () => {
  it('lists sessions and one session with its runs in order (API)', async () => {
    const list = await getJson<{ sessions: Session[]; nextCursor: string | null }>('/api/sessions');
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(1);
    expect(list.body.sessions[0]).toMatchObject({ sessionId: 'conv-travel-1', service: 'e2e-agents', agent: 'travel-agent', runCount: 3, flaggedRunCount: 0 });
    expect(list.body.sessions[0]!.costUsd).toBeGreaterThan(0);
    const one = await getJson<{ session: Session; runs: Run[] }>('/api/sessions/conv-travel-1');
    expect(one.body.runs.map((run) => run.input)).toEqual(['Book me a flight to Lisbon', 'Book me a flight to Porto', `Book me a flight to Faro ${XSS}`]);
    expect((await getJson<{ error: string }>('/api/sessions/unknown-session')).status).toBe(404);
    expect((await getJson<{ error: string }>('/api/sessions?cursor=zzz')).status).toBe(400);
    expect((await getJson<{ error: string }>('/api/sessions?bogus=1')).status).toBe(400);
  });

  it('shows the sessions page and a session as its turns, in order, escaped', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/sessions`);
    const rows = page.locator('#sessions-table tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('td.num').first().textContent()).resolves.toBe('3');
    await Promise.all([page.waitForURL(/\/sessions\/conv-travel-1$/), rows.first().locator('a').first().click()]);
    const runs = page.locator('#session-runs > li');
    await expect(runs.count()).resolves.toBe(3);
    await expect(runs.nth(0).locator('.turn-user').textContent()).resolves.toContain('Lisbon');
    await expect(runs.nth(2).locator('.turn-answer').textContent()).resolves.toContain('Booked TP102');
    await expect(runs.nth(2).locator('.turn-user').textContent()).resolves.toContain(XSS);
    await expect(page.locator('#session-runs img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await page.close();
  });
});

describe('compare and flame graph', () => {
  it('compares two runs side by side, steps aligned and differences marked', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/runs/${lisbonId}`);
    await page.fill('.compare-form input[name="b"]', xssId.slice(0, 10));
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('.compare-form button')]);
    const rows = page.locator('#compare-steps tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    // The tool call is paired with the other run's, and its arguments and result differ.
    const toolRow = rows.nth(1);
    await expect(toolRow.getAttribute('class')).resolves.toBe('differs');
    await expect(toolRow.locator('td').last().textContent()).resolves.toContain('arguments');
    await expect(toolRow.locator('td').last().textContent()).resolves.toContain('result');
    await expect(page.locator('#compare-head tr.differs', { hasText: 'Version' }).count()).resolves.toBe(1);
    await expect(page.locator('#compare-head img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    const bad = await fetch(`${service.url}/compare?a=${lisbonId}&b=nothex`);
    expect(bad.status).toBe(400);
    await page.close();
  });

  it('draws the run as a flame graph beside the span panel; a box opens its span', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/runs/${lisbonId}`);
    await Promise.all([page.waitForURL(/view=flame/), page.getByRole('link', { name: 'Flame graph' }).click()]);
    const boxes = page.locator('#flame-graph svg a');
    await expect(boxes.count()).resolves.toBe(4);
    const tool = page.locator('#flame-graph svg a', { has: page.locator('rect.fl-tool') });
    const spanId = await tool.getAttribute('data-span');
    await Promise.all([page.waitForURL(new RegExp(`span=${spanId}`)), tool.locator('rect').click()]);
    await expect(page.locator('#span-panel').textContent()).resolves.toContain('search_flights');
    await expect(page.locator(`#flame-graph rect.fl-selected`).count()).resolves.toBe(1);
    await page.close();
  });
});

describe('cost on the overview', () => {
  it('shows the money spent by model and agent, and burned on flagged runs', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/`);
    const total = await page.locator('#cost-total').textContent();
    // The loop run alone spends 2M gpt-4o input tokens: $5.
    expect(Number(total!.replace(/[$,]/g, ''))).toBeGreaterThan(5);
    await expect(page.locator('#cost-panel').textContent()).resolves.toContain('in-house-7b');
    await expect(page.locator('#cost-panel').textContent()).resolves.toContain('have no price');
    await expect(page.locator('#cost-by-agent').textContent()).resolves.toContain('research-agent');
    const burned = page.locator('#cost-burned tr', { hasText: 'Tool loop' });
    await expect(burned.locator('td').last().textContent()).resolves.toMatch(/^\$5\.\d\d$/);
    await page.close();
  });
});
