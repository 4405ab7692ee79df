import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startService, type RunningService } from '../../cli/service.js';
import { parseConfig } from '../../config/load-config.js';
import { launchChromium, type LaunchedBrowser } from './chromium.js';
import { sendRuns, type RunSpec, type StepSpec } from './send-runs.js';

/**
 * The web view end to end: runs sent through the real OTLP exporter to a real service on port
 * 0, analysed by POST /api/analyze, and read, filtered and reviewed in real Chromium.
 */

const SCRIPT_PAYLOAD = "<script>window.__pwned = 'script'; fetch('/xss-hit?via=script')</script>";
const IMG_PAYLOAD = '<img src=x onerror="window.__pwned = \'img\'; fetch(\'/xss-hit?via=img\')">';

const HOUR_MS = 3_600_000;
const nowMs = Date.now();

function answer(text = 'Your order ships tomorrow.'): StepSpec {
  return { kind: 'llm', durationMs: 420, text };
}

function normalRun(index: number): RunSpec {
  return {
    agent: 'checkout-agent',
    startMs: nowMs - 20 * HOUR_MS + index * HOUR_MS,
    steps: [
      { kind: 'llm', durationMs: 380, text: '' , finishReason: 'tool_call' },
      { kind: 'tool', tool: 'lookup_order', args: `{"orderId":"A-${index}"}`, result: `{"status":"shipped","id":"A-${index}"}`, durationMs: 110 + (index % 5) * 6 },
      answer(),
    ],
  };
}

const LOOP_RUN: RunSpec = {
  agent: 'research-agent',
  startMs: nowMs - 30 * 60_000,
  steps: [
    { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call' },
    ...Array.from({ length: 6 }, (): StepSpec => ({ kind: 'tool', tool: 'web_search', args: '{"query":"tracehound pricing"}', result: '{"results":[]}', durationMs: 90 })),
    answer('I could not find anything.'),
  ],
};

const SILENT_XSS_RUN: RunSpec = {
  agent: 'support-agent',
  startMs: nowMs - 20 * 60_000,
  rootAttributes: { 'app.user_note': SCRIPT_PAYLOAD, 'app.banner': IMG_PAYLOAD },
  steps: [
    { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call' },
    {
      kind: 'tool',
      tool: 'refund_order',
      args: JSON.stringify({ orderId: 'B-7', reason: IMG_PAYLOAD }),
      result: JSON.stringify({ error: `permission denied for ${SCRIPT_PAYLOAD}` }),
      durationMs: 80,
    },
    answer(`Done! The refund is on its way. ${IMG_PAYLOAD}`),
  ],
};

const SPIKE_RUN: RunSpec = {
  agent: 'checkout-agent',
  startMs: nowMs - 10 * 60_000,
  steps: [
    { kind: 'llm', durationMs: 380, text: '', finishReason: 'tool_call' },
    { kind: 'tool', tool: 'lookup_order', args: '{"orderId":"A-99"}', result: '{"status":"shipped","id":"A-99"}', durationMs: 4200 },
    answer(),
  ],
};

let service: RunningService;
let browser: LaunchedBrowser;
let dir: string;
let loopTraceId: string;
let silentTraceId: string;
let spikeTraceId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-e2e-'));
  service = await startService(
    parseConfig({
      server: { port: 0 },
      storage: { path: join(dir, 'e2e.db'), synchronous: 'normal' },
      analyzer: { enabled: false },
      reports: { enabled: false },
      logging: { level: 'warn' },
    }),
  );
  browser = await launchChromium();
  const normal = Array.from({ length: 16 }, (_, index) => normalRun(index));
  const ids = await sendRuns(`${service.url}/v1/traces`, [...normal, LOOP_RUN, SILENT_XSS_RUN, SPIKE_RUN]);
  [loopTraceId, silentTraceId, spikeTraceId] = ids.slice(-3) as [string, string, string];
  const analyzed = await fetch(`${service.url}/api/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(analyzed.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page that records every request it makes and fails on any dialog. */
async function openPage(): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, requests, dialogs };
}

describe('web view', () => {
  it('answers at / with the overview: flagged runs, flags by detector and the latest flags', async () => {
    const { page } = await openPage();
    await page.goto(`${service.url}/`);
    await expect(page.title()).resolves.toContain('Overview');
    const flaggedTile = page.locator('a.stat', { hasText: 'Flagged runs' });
    expect(Number(await flaggedTile.locator('.stat-value').textContent())).toBeGreaterThanOrEqual(3);
    await expect(page.locator('.flag-feed li').count()).resolves.toBeGreaterThanOrEqual(3);
    await expect(page.locator('svg[aria-label="Flags over time by detector"] rect').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.panel', { hasText: 'Worst tools' }).textContent()).resolves.toContain('web_search');
    await page.close();
  });

  it('filters the runs list by detector and free text, with the filters in the URL', async () => {
    const { page } = await openPage();
    await page.goto(`${service.url}/runs`);
    await expect(page.locator('#runs-table tbody tr').count()).resolves.toBe(19);
    // The detector drop-down applies at once (progressive JavaScript submits the GET form).
    await Promise.all([page.waitForURL(/detector=tool_loop/), page.selectOption('select[name="detector"]', 'tool_loop')]);
    const rows = page.locator('#runs-table tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('research-agent');
    await expect(rows.first().locator('.badge.det-tool_loop').count()).resolves.toBe(1);

    await page.goto(`${service.url}/runs`);
    await page.fill('#run-filters input[name="q"]', 'support-agent');
    await Promise.all([page.waitForURL(/q=support-agent/), page.press('#run-filters input[name="q"]', 'Enter')]);
    await expect(page.locator('#runs-table tbody tr').count()).resolves.toBe(1);

    // A shared link reproduces the view.
    await page.goto(`${service.url}/runs?agent=checkout-agent&sort=duration&order=desc`);
    const first = page.locator('#runs-table tbody tr').first();
    await expect(first.getAttribute('data-href')).resolves.toBe(`/runs/${spikeTraceId}`);
    await page.close();
  });

  it('opens a looping run: the repeated calls side by side, the waterfall, and span details on click', async () => {
    const { page } = await openPage();
    await page.goto(`${service.url}/runs?detector=tool_loop`);
    await Promise.all([page.waitForURL(new RegExp(`/runs/${loopTraceId}`)), page.click(`a[href="/runs/${loopTraceId}"]`)]);
    const card = page.locator('.flag-card.det-tool_loop');
    await expect(card.count()).resolves.toBe(1);
    await expect(card.locator('.flag-summary').textContent()).resolves.toMatch(/web_search/);
    await expect(card.locator('.call-card').count()).resolves.toBeGreaterThanOrEqual(4);
    await expect(card.locator('.call-card').first().textContent()).resolves.toContain('tracehound pricing');

    const rows = page.locator('#waterfall a.wf-row');
    await expect(rows.count()).resolves.toBe(9);
    await expect(page.locator('#waterfall a.wf-row.flagged').count()).resolves.toBeGreaterThanOrEqual(4);
    await expect(page.locator('#waterfall .kind-llm').count()).resolves.toBe(2);

    // Selecting the last LLM call swaps the detail panel in place (no navigation).
    const llmRow = page.locator('#waterfall a.wf-row.k-llm').last();
    const spanId = (await llmRow.getAttribute('id'))!.replace('span-', '');
    await llmRow.click();
    await page.waitForSelector(`#span-panel [data-span-detail="${spanId}"]`);
    await expect(page.locator('#span-panel').textContent()).resolves.toContain('I could not find anything.');
    await expect(page.locator('#span-panel').textContent()).resolves.toContain('gen_ai.usage.input_tokens');
    expect(page.url()).toContain(`span=${spanId}`);

    // k moves the selection to the previous span (the last web_search call) and its details follow.
    await page.keyboard.press('k');
    const previousId = (await page.locator('#waterfall a.wf-row.selected').getAttribute('id'))!.replace('span-', '');
    expect(previousId).not.toBe(spanId);
    await page.waitForSelector(`#span-panel [data-span-detail="${previousId}"]`);
    await expect(page.locator('#span-panel').textContent()).resolves.toContain('tracehound pricing');
    await page.close();
  });

  it('shows a latency spike against its baseline, on the run and in the latency view', async () => {
    const { page } = await openPage();
    await page.goto(`${service.url}/runs/${spikeTraceId}`);
    const card = page.locator('.flag-card.det-latency_spike').first();
    await expect(card.count()).resolves.toBe(1);
    await expect(card.locator('svg.baseline-bars').count()).resolves.toBe(1);
    await expect(card.locator('circle.pt-focus').count()).resolves.toBe(1);

    await page.goto(`${service.url}/latency?op=${encodeURIComponent('tool:lookup_order')}`);
    await expect(page.locator('circle.pt').count()).resolves.toBe(17);
    await expect(page.locator('circle.pt-spike').count()).resolves.toBe(1);
    await expect(page.locator('rect.band').count()).resolves.toBeGreaterThan(0);
    await page.close();
  });

  it('reviews a flag as a false positive with a note, then turns it into a suppression rule', async () => {
    const { page } = await openPage();
    await page.goto(`${service.url}/flags?detector=tool_loop`);
    const card = page.locator('.queue .flag-card').first();
    await card.locator('input[name="note"]').fill('pricing page really is empty; retrying is expected');
    await Promise.all([page.waitForURL(/done=false_positive/), card.locator('button[value="false_positive"]').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('false positive');
    await expect(page.locator('.queue .flag-card').count()).resolves.toBe(0);

    await page.goto(`${service.url}/flags?detector=tool_loop&review=false_positive`);
    const reviewed = page.locator('.queue .flag-card').first();
    await expect(reviewed.locator('.review-done').textContent()).resolves.toContain('pricing page really is empty');
    await reviewed.locator('select[name="scope"]').selectOption('tool');
    await Promise.all([page.waitForURL(/done=suppressed/), reviewed.locator('.suppress-form button').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Suppression rule created');

    const flags = (await (await fetch(`${service.url}/api/flags?detector=tool_loop&review=false_positive`)).json()) as { flags: { review: { note: string } | null }[] };
    expect(flags.flags[0]?.review?.note).toBe('pricing page really is empty; retrying is expected');
    const suppressions = (await (await fetch(`${service.url}/api/suppressions`)).json()) as { suppressions: { scope: string; value: string }[] };
    expect(suppressions.suppressions).toEqual([expect.objectContaining({ scope: 'tool', value: 'web_search' })]);
    await page.close();
  });

  it('shows span content holding <script> and <img onerror> as text and runs none of it', async () => {
    const { page, requests, dialogs } = await openPage();
    const pages = [`/runs/${silentTraceId}`, '/runs?q=support-agent', '/flags?review=any', '/'];
    for (const path of pages) await page.goto(`${service.url}${path}`, { waitUntil: 'load' });
    await page.goto(`${service.url}/runs/${silentTraceId}`, { waitUntil: 'load' });

    // The silent failure's evidence is the offending tool result, shown verbatim as text.
    const card = page.locator('.flag-card.det-silent_failure').first();
    await expect(card.count()).resolves.toBe(1);
    await expect(card.textContent()).resolves.toContain(SCRIPT_PAYLOAD);

    // The root span's attributes, opened by clicking it in the waterfall (fetched fragment).
    const root = page.locator('#waterfall a.wf-row.k-agent').first();
    const rootId = (await root.getAttribute('id'))!.replace('span-', '');
    await root.click();
    await page.waitForSelector(`#span-panel [data-span-detail="${rootId}"]`);
    const panelText = await page.locator('#span-panel').textContent();
    expect(panelText).toContain(SCRIPT_PAYLOAD);
    expect(panelText).toContain(IMG_PAYLOAD);
    await expect(page.getByText(IMG_PAYLOAD, { exact: true }).first().isVisible()).resolves.toBe(true);

    // Nothing ran: no global set, no request to the watched route or to `x`, no dialog, no injected elements.
    await page.waitForTimeout(200);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).resolves.toBeUndefined();
    expect(requests.filter((url) => url.includes('xss-hit') || /\/x(\?|$)/.test(new URL(url).pathname))).toEqual([]);
    expect(requests.every((url) => url.startsWith(service.url))).toBe(true);
    expect(dialogs).toEqual([]);
    await expect(page.locator('main script, main img[src="x"]').count()).resolves.toBe(0);
    await page.close();
  });

  it('lists stored reports and opens one', async () => {
    const made = await fetch(`${service.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(made.status).toBe(201);
    const { page } = await openPage();
    await page.goto(`${service.url}/reports`);
    const rows = page.locator('#reports-table tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    const response = await Promise.all([page.waitForEvent('response', (r) => r.url().includes('/reports/')), rows.first().getByText('HTML').click()]);
    expect(response[0].status()).toBe(200);
    await page.close();
  });

  it('sends a strict Content-Security-Policy and the other security headers on pages', async () => {
    const response = await fetch(`${service.url}/runs/${silentTraceId}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a review form posted from another site and answers unknown runs with 404', async () => {
    const flags = (await (await fetch(`${service.url}/api/flags`)).json()) as { flags: { id: string }[] };
    const id = flags.flags[0]!.id;
    const crossSite = await fetch(`${service.url}/flags/${id}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'verdict=confirmed&note=x',
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    const bad = await fetch(`${service.url}/flags/${id}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'verdict=maybe',
      redirect: 'manual',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${service.url}/runs/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${service.url}/runs?since=yesterday-ish`)).status).toBe(400);
  });
});
