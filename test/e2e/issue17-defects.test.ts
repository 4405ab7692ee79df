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
 * The web-view defects of issue 17, each proven in real Chromium against a real service on port
 * 0 fed through the real OTLP exporter (plus two OTLP/JSON posts with chosen trace ids).
 */

const HOUR_MS = 3_600_000;
const nowMs = Date.now();

function answer(text: string): StepSpec {
  return { kind: 'llm', durationMs: 400, text };
}

function normalRun(index: number, agent: string): RunSpec {
  return {
    agent,
    startMs: nowMs - 30 * HOUR_MS + index * HOUR_MS,
    steps: [
      { kind: 'llm', durationMs: 380, text: '', finishReason: 'tool_call' },
      { kind: 'tool', tool: 'lookup_order', args: `{"orderId":"A-${index}"}`, result: `{"status":"shipped"}`, durationMs: 100 + (index % 4) * 5 },
      answer('Your order ships tomorrow.'),
    ],
  };
}

/** Eight identical searches: a tool loop longer than the cards that fit. */
const LOOP_RUN: RunSpec = {
  agent: 'research-agent',
  startMs: nowMs - 40 * 60_000,
  steps: [
    { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call' },
    ...Array.from({ length: 8 }, (): StepSpec => ({ kind: 'tool', tool: 'web_search', args: '{"query":"tracehound pricing"}', result: '{"results":[]}', durationMs: 90 })),
    answer('I could not find anything.'),
  ],
};

/** A refund that failed, answered as a success: a silent failure in an agent of its own. */
const SILENT_RUN: RunSpec = {
  agent: 'support-agent',
  startMs: nowMs - 3 * 24 * HOUR_MS,
  steps: [
    { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call' },
    { kind: 'tool', tool: 'refund_order', args: '{"orderId":"B-7"}', result: '{"error":"OrderService unavailable: upstream timeout"}', durationMs: 80 },
    answer('Done! Your refund of $42 is on its way.'),
  ],
};

let service: RunningService;
let browser: LaunchedBrowser;
let dir: string;
let loopTraceId: string;
let silentTraceId: string;
const TWIN_PREFIX = 'abcdef012345';
const TWINS = [`${TWIN_PREFIX}${'1'.repeat(20)}`, `${TWIN_PREFIX}${'2'.repeat(20)}`];

/** One root span per trace id, posted as OTLP/JSON (the SDK picks random ids). */
async function postRootSpans(traceIds: readonly string[]): Promise<void> {
  const startNs = BigInt(nowMs - 2 * HOUR_MS) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'twins' } }] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: traceIds.map((traceId, index) => ({
              traceId,
              spanId: `${index + 1}`.padStart(16, '0'),
              name: 'invoke_agent twin',
              kind: 1,
              startTimeUnixNano: String(startNs),
              endTimeUnixNano: String(startNs + 50_000_000n),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } },
                { key: 'gen_ai.agent.name', value: { stringValue: 'twin-agent' } },
              ],
            })),
          },
        ],
      },
    ],
  };
  const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracehound-e2e17-'));
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
  const normal = Array.from({ length: 12 }, (_, index) => normalRun(index, index % 2 === 0 ? 'checkout-agent' : 'billing-agent'));
  const ids = await sendRuns(`${service.url}/v1/traces`, [...normal, LOOP_RUN, SILENT_RUN]);
  [loopTraceId, silentTraceId] = ids.slice(-2) as [string, string];
  await postRootSpans(TWINS);
  const analyzed = await fetch(`${service.url}/api/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(analyzed.status).toBe(200);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openPage(width = 1280): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  return page;
}

describe('issue 17 defects in the web view', () => {
  it('12: opens a run from the 12-hex prefix the pages show, and says when a prefix is ambiguous', async () => {
    const page = await openPage();
    const response = await page.goto(`${service.url}/runs/${loopTraceId.slice(0, 12)}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${service.url}/runs/${loopTraceId}`);
    await expect(page.locator('.crumbs .mono').textContent()).resolves.toBe(loopTraceId);

    const ambiguous = await page.goto(`${service.url}/runs/${TWIN_PREFIX}`);
    expect(ambiguous?.status()).toBe(300);
    await expect(page.locator('h1').textContent()).resolves.toBe('Which run?');
    await expect(page.locator('.prefix-matches a').count()).resolves.toBe(2);
    await Promise.all([page.waitForURL(`${service.url}/runs/${TWINS[1]}`), page.locator('.prefix-matches a').nth(1).click()]);

    const unknown = await page.goto(`${service.url}/runs/0123456789ab`);
    expect(unknown?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.toContain('No run has a trace id starting with 0123456789ab');
    await page.close();
  });

  it('14: filters the flags page by agent and by time', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/flags?review=any`);
    const agents = async () => (await page.locator('.queue li.flag-card > div.muted.small').allTextContents()).map((text) => text.split(' · ')[1]);
    expect(new Set(await agents())).toEqual(new Set(['research-agent', 'support-agent']));
    await page.selectOption('form.filters select[name="agent"]', 'support-agent');
    await Promise.all([page.waitForURL(/agent=support-agent/), page.click('form.filters button[type="submit"]')]);
    expect(new Set(await agents())).toEqual(new Set(['support-agent']));

    await page.goto(`${service.url}/flags?review=any`);
    await page.fill('form.filters input[name="since"]', '24h');
    await Promise.all([page.waitForURL(/since=24h/), page.click('form.filters button[type="submit"]')]);
    expect(new Set(await agents())).toEqual(new Set(['research-agent']));
    const bad = await page.goto(`${service.url}/flags?since=someday`);
    expect(bad?.status()).toBe(400);
    await expect(page.locator('.alert').textContent()).resolves.toContain('since');
    await page.close();
  });

  it('15: undoes a review with a button, and through DELETE /api/flags/:id/review', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/flags?agent=research-agent`);
    const card = page.locator('.queue .flag-card').first();
    const flagId = (await card.getAttribute('id'))!.replace('flag-', '');
    await Promise.all([page.waitForURL(/done=confirmed/), card.locator('button[value="confirmed"]').click()]);
    await page.goto(`${service.url}/flags?review=confirmed&agent=research-agent`);
    const reviewed = page.locator(`#flag-${flagId}`);
    await expect(reviewed.locator('.review-done').textContent()).resolves.toContain('confirmed');
    await Promise.all([page.waitForURL(/done=undone/), reviewed.locator('.undo-form button').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Review undone');
    const after = (await (await fetch(`${service.url}/api/flags?agent=research-agent`)).json()) as { flags: { id: string; review: unknown }[] };
    expect(after.flags.find((flag) => flag.id === flagId)?.review).toBeNull();

    const post = await fetch(`${service.url}/api/flags/${flagId}/review`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"verdict":"false_positive","note":"n"}' });
    expect(post.status).toBe(200);
    const undone = await fetch(`${service.url}/api/flags/${flagId}/review`, { method: 'DELETE' });
    expect(undone.status).toBe(200);
    expect(((await undone.json()) as { review: unknown }).review).toBeNull();
    expect((await fetch(`${service.url}/api/flags/${'0'.repeat(16)}/review`, { method: 'DELETE' })).status).toBe(404);
    await page.close();
  });
});

describe('issue 17 layout defects in the web view', () => {
  it('7: puts the overview chart\'s y-axis labels on their grid lines, as whole counts', async () => {
    const page = await openPage();
    await page.goto(`${service.url}/`);
    const grid = await page.locator('svg[aria-label="Flags over time by detector"] g:has(line.grid)').evaluateAll((groups) =>
      groups.map((group) => ({ label: group.querySelector('text')!.textContent!, lineY: Number(group.querySelector('line')!.getAttribute('y1')) })),
    );
    expect(grid.length).toBeGreaterThanOrEqual(2);
    const values = grid.map((tick) => Number(tick.label));
    for (const value of values) expect(Number.isInteger(value), `label ${value}`).toBe(true);
    expect(new Set(values).size).toBe(values.length);
    // Label values are proportional to the grid lines' heights above zero.
    const zero = grid[values.indexOf(0)]!.lineY;
    const top = grid[values.indexOf(Math.max(...values))]!;
    for (const tick of grid) expect((zero - tick.lineY) / (zero - top.lineY)).toBeCloseTo(Number(tick.label) / Number(top.label), 5);
    await page.close();
  });

  it('8: keeps the span panel\'s fold arrows inside it and breaks attribute names only between words', async () => {
    const page = await openPage(1280);
    await page.goto(`${service.url}/runs/${loopTraceId}`);
    const llm = page.locator('#waterfall a.wf-row.k-llm').last();
    await llm.click();
    await page.waitForSelector('#span-panel .attrs');
    const problems = await page.evaluate(() => {
      const found: string[] = [];
      const panel = document.querySelector('#span-panel')!.getBoundingClientRect();
      for (const summary of Array.from(document.querySelectorAll<HTMLElement>('#span-panel details.fold > summary'))) {
        if (getComputedStyle(summary).listStylePosition !== 'inside' && getComputedStyle(summary).listStyleType !== 'none') found.push('a fold arrow is drawn outside its summary');
        if (summary.getBoundingClientRect().left < panel.left) found.push('a summary starts left of the panel');
      }
      for (const th of Array.from(document.querySelectorAll<HTMLElement>('#span-panel .attrs th'))) {
        // Each word of a name (between the separators where it may break) stays on one line.
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        const words: Node[] = [];
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) words.push(node);
        if (words.length === 0) found.push(`${th.textContent} has no text`);
        for (const node of words) {
          if (node.textContent === '') continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const lines = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)));
          if (lines.size > 1) found.push(`"${node.textContent}" of ${th.textContent} is broken mid-word`);
        }
      }
      return found;
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('9: does not scroll sideways at 800 px, shows the whole runs table, and follows a dark colour scheme', async () => {
    const page = await openPage(800);
    for (const path of ['/', '/runs', `/runs/${loopTraceId}`, '/flags?review=any', '/latency', '/reports']) {
      await page.goto(`${service.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${service.url}/runs`);
    const cut = await page.evaluate(() => {
      const table = document.querySelector('#runs-table')!;
      const viewport = document.documentElement.clientWidth;
      // A column right of the window is cut unless a panel around the table scrolls sideways to it.
      const scroller = (element: Element): boolean => {
        for (let node = element.parentElement; node !== null && node !== document.body; node = node.parentElement) {
          const style = getComputedStyle(node);
          if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && node.getBoundingClientRect().right <= viewport + 0.5) return true;
        }
        return false;
      };
      return Array.from(table.querySelectorAll('thead th')).filter((th) => th.getBoundingClientRect().right > viewport + 0.5 && !scroller(th)).map((th) => th.textContent);
    });
    expect(cut).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${service.url}/runs`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number) as [number, number, number];
    expect(0.2126 * r + 0.7152 * g + 0.0722 * b, background).toBeLessThan(60);
    const panel = await page.evaluate(() => getComputedStyle(document.querySelector('.panel, table')!).backgroundColor);
    expect(panel).not.toBe('rgb(255, 255, 255)');
    await page.close();
  });

  it('13: keeps a long tool loop\'s call cards inside the card and links the spans not named in its header', async () => {
    const page = await openPage(1280);
    await page.goto(`${service.url}/runs/${loopTraceId}`);
    const card = page.locator('.flag-card.det-tool_loop').first();
    await expect(card.locator('.call-card').count()).resolves.toBe(8);
    const outside = await card.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return Array.from(element.querySelectorAll('.call-card')).filter((call) => {
        const rect = call.getBoundingClientRect();
        return rect.right > box.right + 0.5 || rect.left < box.left - 0.5;
      }).length;
    });
    expect(outside).toBe(0);
    const more = card.locator('.flag-card-head .more-spans');
    const { flags } = (await (await fetch(`${service.url}/api/runs/${loopTraceId}`)).json()) as { flags: { spanIds: string[] }[] };
    expect(flags[0]!.spanIds.length).toBeGreaterThanOrEqual(8);
    await expect(more.textContent()).resolves.toBe(`+${flags[0]!.spanIds.length - 3} more`);
    await expect(more.getAttribute('href')).resolves.toBe('#waterfall');
    await expect(card.locator('.flag-card-head a.span-link').count()).resolves.toBe(3);
    await page.close();
  });

  it('5 and 6: a silent failure\'s summary quotes the error without doubled quotes, and its evidence shows the final answer', async () => {
    const run = (await (await fetch(`${service.url}/api/runs/${silentTraceId}`)).json()) as { flags: { detector: string; summary: string }[] };
    const silent = run.flags.filter((flag) => flag.detector === 'silent_failure');
    expect(silent.length).toBeGreaterThanOrEqual(1);
    for (const flag of silent) {
      expect(flag.summary).not.toContain('""');
      for (const excerpt of flag.summary.match(/\("([^)]*)"\)/g) ?? []) expect(excerpt.slice(2, -2), flag.summary).not.toContain('"');
    }
    expect(silent.some((flag) => flag.summary.includes('OrderService unavailable'))).toBe(true);
    const page = await openPage();
    await page.goto(`${service.url}/runs/${silentTraceId}`);
    const card = page.locator('.flag-card.det-silent_failure').first();
    await expect(card.locator('.final-answer').textContent()).resolves.toContain('Done! Your refund of $42 is on its way.');
    await page.close();
  });
});
