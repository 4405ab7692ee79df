import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../e2e/chromium.js';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/** Note 3 of issue 15: the login page's inline style is no longer blocked by our own CSP (real Chromium). */

let service: SecureTestService;
let browser: LaunchedBrowser;
beforeAll(async () => {
  service = await startSecureService({ auth: { apiTokens: ['api-token-0123456789abcdef'] } });
  browser = await launchChromium({ width: 800, height: 600 });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('login page under the Content-Security-Policy', () => {
  it.each([
    ['GET /login', async (page: import('playwright-core').Page) => page.goto(`${service.url}/login`)],
    ['a refused sign-in', async (page: import('playwright-core').Page) => {
      await page.goto(`${service.url}/login`);
      await page.fill('#token', 'wrong-token-0123456789');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    }],
  ])('%s is styled and reports no CSP violation', async (_what, open) => {
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await open(page);
    await page.waitForSelector('form');
    expect(violations.join("\n")).toBe("");
    // The stylesheet applied: the page background and the button colour come from it.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 249)');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('button')!).backgroundColor)).toBe('rgb(36, 87, 197)');
    const csp = (await page.evaluate(() => document.readyState)) && (await fetch(`${service.url}/login`)).headers.get('content-security-policy');
    expect(csp).not.toContain('unsafe-inline');
    await page.close();
  });
});
