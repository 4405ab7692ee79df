import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TRACEHOUND_CHROMIUM ?? '/usr/bin/chromium';

export interface LaunchedBrowser {
  /** The browser's one (persistent, fresh-profile) context: open pages with context.newPage(). */
  context: BrowserContext;
  /** Closes the browser and removes its fresh profile directory. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fresh profile and no background networking. A
 * missing browser is an error, never a skip: the web view is only proven in a real browser.
 */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the web-view tests need a real browser. Install it (apt-get install -y chromium) or set TRACEHOUND_CHROMIUM.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'tracehound-chromium-'));
  // Playwright takes the fresh --user-data-dir as launchPersistentContext's first argument.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
