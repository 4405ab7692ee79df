import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from '../../cli/service.js';
import { parseConfig } from '../../config/load-config.js';
import { launchChromium, type LaunchedBrowser } from '../e2e/chromium.js';

export interface WebServiceUnderTest {
  service: RunningService;
  browser: LaunchedBrowser;
  /** The temp directory holding the database. */
  dir: string;
  /** POST /api/analyze (every pending run, now); resolves its JSON. */
  analyze(): Promise<{ analyzed: number; flagged: number }>;
  /** Closes the browser and the service and removes the directory. */
  close(): Promise<void>;
}

/**
 * The web-view tests' common set-up: a real service on port 0 over a fresh SQLite file (the
 * analyser only runs when asked, through POST /api/analyze; no reports) and real Chromium.
 * `config` is merged over those defaults (top-level sections replaced).
 */
export async function startWebService(options: { config?: Record<string, unknown>; width?: number; height?: number } = {}): Promise<WebServiceUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-web-'));
  let service: RunningService | undefined;
  let browser: LaunchedBrowser | undefined;
  try {
    service = await startService(
      parseConfig({
        server: { port: 0 },
        storage: { path: join(dir, 'web.db'), synchronous: 'normal' },
        analyzer: { enabled: false },
        reports: { enabled: false },
        logging: { level: 'warn' },
        ...options.config,
      }),
    );
    browser = await launchChromium({ width: options.width, height: options.height });
  } catch (error) {
    await browser?.close();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = service;
  const launched = browser;
  return {
    service: running,
    browser: launched,
    dir,
    async analyze() {
      const response = await fetch(`${running.url}/api/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (response.status !== 200) throw new Error(`POST /api/analyze answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { analyzed: number; flagged: number };
    },
    async close() {
      await launched.close();
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
