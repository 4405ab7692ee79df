/**
 * Seeds a running tracehound with demo-like traffic for screenshots and manual checks: the demo's
 * support, research and coding agents (with their seeded failure scenarios, backdated over
 * `days`) sent through the real OpenTelemetry SDK and OTLP/HTTP exporter, then analysed now.
 *
 *   node --import tsx scripts/seed-demo-data.ts http://127.0.0.1:4318 [runs] [days]
 */
import { runDemo, type DemoSummary } from '../demo/run-demo.js';

export interface SeedResult {
  demo: DemoSummary;
  analyzed: number;
  flagged: number;
}

/** Sends `runs` demo runs to `baseUrl`, then asks the server to analyse everything pending. */
export async function seedDemoData(baseUrl: string, options: { runs?: number; days?: number; seed?: number; nowMs?: number } = {}): Promise<SeedResult> {
  const demo = await runDemo({
    endpoint: baseUrl,
    runs: options.runs ?? 300,
    seed: options.seed ?? 7,
    days: options.days ?? 1,
    nowMs: options.nowMs,
  });
  const response = await fetch(new URL('/api/analyze', baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) throw new Error(`POST /api/analyze answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { analyzed: number; flagged: number };
  return { demo, analyzed: body.analyzed, flagged: body.flagged };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseUrl = 'http://127.0.0.1:4318', runs = '300', days = '1'] = process.argv.slice(2);
  const result = await seedDemoData(baseUrl, { runs: Number(runs), days: Number(days) });
  console.log(`sent ${result.demo.runs} runs (${result.demo.spans} spans); analysed ${result.analyzed}, flagged ${result.flagged}`);
}
