import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startWebService, type WebServiceUnderTest } from '../support/web-service.js';
import { sendRuns, type RunSpec, type StepSpec } from './send-runs.js';

/**
 * Issue 17, defect 4, in real Chromium at 800 px against a real service: the suppress form under
 * every review tab, fitting its card; "suppressed by rule …" once a rule matches; the trace a
 * rule leaves on the run it silenced (page and API); the rules page with its counts and delete.
 */

const nowMs = Date.now();

function loopRun(minutesAgo: number): RunSpec {
  return {
    agent: 'research-agent',
    startMs: nowMs - minutesAgo * 60_000,
    steps: [
      { kind: 'llm', durationMs: 300, text: '', finishReason: 'tool_call' },
      ...Array.from({ length: 6 }, (): StepSpec => ({ kind: 'tool', tool: 'web_search', args: '{"query":"tracehound pricing"}', result: '{"results":[]}', durationMs: 90 })),
      { kind: 'llm', durationMs: 300, text: 'I could not find anything.' },
    ],
  };
}

let web: WebServiceUnderTest;
let firstId: string;
let secondId: string;
let page: Page;

async function flagsOf(traceId: string): Promise<{ id: string; detector: string; review: { verdict: string } | null }[]> {
  const body = (await (await fetch(`${web.service.url}/api/runs/${traceId}`)).json()) as { flags: { id: string; detector: string; review: { verdict: string } | null }[] };
  return body.flags;
}

/** The card holding `selector` stays inside the card and the page never scrolls sideways. */
async function expectFitsCard(cardSelector: string, innerSelector: string): Promise<void> {
  const boxes = await page.evaluate(
    ([card, inner]) => {
      const cardBox = document.querySelector(card!)!.getBoundingClientRect();
      // Hidden inputs have no box.
      const innerElements = Array.from(document.querySelector(card!)!.querySelectorAll(inner!)).filter((element) => element.getBoundingClientRect().width > 0);
      return {
        card: { left: cardBox.left, right: cardBox.right },
        inner: innerElements.map((element) => ({ left: element.getBoundingClientRect().left, right: element.getBoundingClientRect().right })),
        scrollWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      };
    },
    [cardSelector, innerSelector],
  );
  expect(boxes.inner.length).toBeGreaterThan(0);
  for (const box of boxes.inner) {
    expect(box.left).toBeGreaterThanOrEqual(boxes.card.left - 0.5);
    expect(box.right).toBeLessThanOrEqual(boxes.card.right + 0.5);
  }
  expect(boxes.scrollWidth).toBeLessThanOrEqual(boxes.viewport);
}

beforeAll(async () => {
  web = await startWebService({ width: 800, height: 900 });
  [firstId, secondId] = (await sendRuns(`${web.service.url}/v1/traces`, [loopRun(50), loopRun(40)])) as [string, string];
  expect((await web.analyze()).flagged).toBe(2);
  page = await web.browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await web?.close();
});

describe('suppression rules in the web view (defect 4)', () => {
  it('offers the suppress form under every review tab, inside its card at 800 px', async () => {
    const [first] = await flagsOf(firstId);
    const [second] = await flagsOf(secondId);
    // The second run's flag is confirmed: it shows under the Confirmed tab, the first under To review.
    const confirm = await fetch(`${web.service.url}/api/flags/${second!.id}/review`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"verdict":"confirmed"}' });
    expect(confirm.status).toBe(200);
    // 800 px (one column) and 1040 px (the verdict controls in a narrow column beside the flag).
    for (const width of [800, 1040]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [review, flagId] of [['unreviewed', first!.id], ['confirmed', second!.id], ['any', first!.id]] as const) {
        await page.goto(`${web.service.url}/flags?review=${review}`);
        const card = `#flag-${flagId}`;
        expect(await page.locator(`${card} form.suppress-form button`).count()).toBe(1);
        await expectFitsCard(card, 'form.suppress-form, form.suppress-form select, form.suppress-form input, form.suppress-form button');
      }
    }
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${web.service.url}/runs/${firstId}`);
    expect(await page.locator(`#flag-${first!.id} form.suppress-form button`).count()).toBe(1);
    await expectFitsCard(`#flag-${first!.id}`, 'form.suppress-form select, form.suppress-form input, form.suppress-form button');
  });

  it('suppresses from an unreviewed flag: it becomes a false positive, and every flag the rule matches says so instead of offering the form', async () => {
    const [first] = await flagsOf(firstId);
    const [second] = await flagsOf(secondId);
    await page.goto(`${web.service.url}/flags?review=unreviewed`);
    const card = page.locator(`#flag-${first!.id}`);
    await card.locator('select[name=scope]').selectOption('signature');
    await card.locator('input[name=reason]').fill('searching twice is how this agent pages');
    await Promise.all([page.waitForURL(/done=suppressed/), card.locator('form.suppress-form button').click()]);
    expect((await flagsOf(firstId))[0]!.review?.verdict).toBe('false_positive');

    await page.goto(`${web.service.url}/flags?review=confirmed`);
    const confirmed = page.locator(`#flag-${second!.id}`);
    expect(await confirmed.locator('form.suppress-form').count()).toBe(0);
    expect(await confirmed.locator('.suppressed-by').innerText()).toMatch(/Suppressed by rule tool_loop · pattern tool_loop\|research-agent\|web_search/);

    await page.goto(`${web.service.url}/runs/${firstId}`);
    expect(await page.locator(`#flag-${first!.id} form.suppress-form`).count()).toBe(0);
    expect(await page.locator(`#flag-${first!.id} .suppressed-by a`).getAttribute('href')).toMatch(/^\/suppressions#rule-[0-9a-f]{16}$/);
    const api = (await (await fetch(`${web.service.url}/api/runs/${secondId}`)).json()) as { suppressedBy: Record<string, string> };
    expect(Object.keys(api.suppressedBy)).toEqual([second!.id]);
  });

  it('leaves a trace on the run it silenced (which rule, when, by whom), on the page and in the API, counted on the rules page; deleting the rule keeps the trace', async () => {
    const [thirdId] = (await sendRuns(`${web.service.url}/v1/traces`, [loopRun(30)])) as [string];
    await web.analyze();
    expect(await flagsOf(thirdId)).toEqual([]);
    const api = (await (await fetch(`${web.service.url}/api/runs/${thirdId}`)).json()) as {
      silenced: { flagId: string; detector: string; silencedAt: string; ruleId: string; rule: { id: string; scope: string; createdBy: string | null; note: string } | null }[];
    };
    expect(api.silenced).toHaveLength(1);
    const [silenced] = api.silenced;
    expect(silenced).toMatchObject({ detector: 'tool_loop', rule: { scope: 'signature', createdBy: 'web view', note: 'searching twice is how this agent pages' } });
    expect(silenced!.rule!.id).toBe(silenced!.ruleId);
    expect(Date.parse(silenced!.silencedAt)).toBeGreaterThan(nowMs - 60_000);

    await page.goto(`${web.service.url}/runs/${thirdId}`);
    const section = page.locator('section.silenced-section');
    expect(await section.locator('h2').innerText()).toBe('Silenced by suppression rules (1)');
    expect(await section.innerText()).toMatch(/silenced .* UTC by rule tool_loop · pattern .* made by web view/);
    await expectFitsCard('section.silenced-section', 'li');

    await page.goto(`${web.service.url}/suppressions`);
    const row = page.locator(`#rule-${silenced!.ruleId}`);
    expect(await row.locator('.silenced-count').innerText()).toBe('1');
    expect(await row.innerText()).toContain('searching twice is how this agent pages');
    expect(await row.locator('a').first().getAttribute('href')).toBe(`/runs/${firstId}#flag-${(await flagsOf(firstId))[0]!.id}`);
    expect((await page.evaluate(() => document.documentElement.scrollWidth)) <= 800).toBe(true);

    // A cross-site form post cannot delete a rule.
    const crossSite = await fetch(`${web.service.url}/suppressions/${silenced!.ruleId}/delete`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: '',
    });
    expect(crossSite.status).toBe(403);
    await Promise.all([page.waitForURL(/done=deleted/), row.locator('button', { hasText: 'Delete' }).click()]);
    expect(await page.locator('p.notice').innerText()).toMatch(/Rule deleted/);
    expect(await page.locator(`#rule-${silenced!.ruleId}`).count()).toBe(0);
    expect(((await (await fetch(`${web.service.url}/api/suppressions`)).json()) as { suppressions: unknown[] }).suppressions).toEqual([]);

    await page.goto(`${web.service.url}/runs/${thirdId}`);
    expect(await page.locator('section.silenced-section').innerText()).toContain('(deleted since)');
    // The flag the rule came from offers the form again.
    await page.goto(`${web.service.url}/runs/${firstId}`);
    expect(await page.locator('form.suppress-form').count()).toBe(1);
  });
});
