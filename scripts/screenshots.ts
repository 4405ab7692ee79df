/**
 * PNG screenshots of the web view's main pages into docs/screenshots/, from demo-like data sent
 * through the real OTLP endpoint of a fresh service (temp database, port 0).
 *
 *   node --import tsx scripts/screenshots.ts            # own service, seeded
 *   node --import tsx scripts/screenshots.ts --url URL  # an already running, seeded service
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type RunningService } from '../cli/service.js';
import { parseConfig } from '../config/load-config.js';
import { launchChromium } from '../test/e2e/chromium.js';
import { seedDemoData } from './seed-demo-data.js';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');

async function main(): Promise<void> {
  const urlIndex = process.argv.indexOf('--url');
  let service: RunningService | undefined;
  let tempDir: string | undefined;
  let baseUrl: string;
  if (urlIndex >= 0 && process.argv[urlIndex + 1]) {
    baseUrl = process.argv[urlIndex + 1]!;
  } else {
    tempDir = mkdtempSync(join(tmpdir(), 'tracehound-shots-'));
    const config = parseConfig({
      server: { port: 0 },
      storage: { path: join(tempDir, 'shots.db'), synchronous: 'normal' },
      analyzer: { enabled: false },
      reports: { enabled: false },
      logging: { level: 'warn' },
    });
    service = await startService(config);
    baseUrl = service.url;
    const seeded = await seedDemoData(baseUrl, { runs: 360, days: 1 });
    console.log(`seeded ${seeded.demo.runs} runs, ${seeded.demo.spans} spans; ${seeded.flagged} flagged`);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const launched = await launchChromium();
  try {
    const page = await launched.context.newPage();
    const shoot = async (name: string, path: string, fullPage = false) => {
      await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
      await page.screenshot({ path: join(OUT_DIR, `${name}.png`), fullPage });
      console.log(`docs/screenshots/${name}.png  ←  ${path}`);
    };
    await shoot('overview', '/');
    await shoot('runs', '/runs?since=24h');
    const runs = (await (await fetch(new URL('/api/runs?detector=tool_loop&limit=1', baseUrl))).json()) as { runs: { traceId: string }[] };
    const spikes = (await (await fetch(new URL('/api/runs?detector=latency_spike&limit=1', baseUrl))).json()) as { runs: { traceId: string }[] };
    const silent = (await (await fetch(new URL('/api/runs?detector=silent_failure&limit=1', baseUrl))).json()) as { runs: { traceId: string }[] };
    if (runs.runs[0]) await shoot('run-tool-loop', `/runs/${runs.runs[0].traceId}`);
    if (spikes.runs[0]) await shoot('run-latency-spike', `/runs/${spikes.runs[0].traceId}`);
    if (silent.runs[0]) await shoot('run-silent-failure', `/runs/${silent.runs[0].traceId}`);
    await shoot('flags', '/flags');
    await shoot('latency', '/latency');
  } finally {
    await launched.close();
    await service?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

await main();
