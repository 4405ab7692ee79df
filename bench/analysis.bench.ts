/**
 * Analysis throughput and its effect on ingest.
 * 1. Builds a backlog of labelled agent runs (the eval generator, four dialects, normalised as
 *    at ingest) in a SQLite file: ≥ 1M spans / ~110k runs (quick: ~20k spans).
 * 2. Starts the real service on that file; its background analyser drains the backlog while
 *    this process sends OTLP/JSON requests (one run each, 2 concurrent senders) to POST
 *    /v1/traces and records their latency; the event-loop delay is sampled throughout.
 * 3. Prints the analysis rate (spans/s, traces/s) over the backlog, the steady-state cost per
 *    trace (the live runs sent in step 2, analysed as they complete), and ingest latency
 *    p50/p99/max while analysis runs versus after it has drained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseConfig } from '../config/load-config.js';
import { startService } from '../cli/service.js';
import { openDatabase } from '../store/sqlite/database.js';
import { createSpanWriter } from '../store/span-writer.js';
import { normalizeRequest } from '../model/normalize/normalize-span.js';
import { toOtlpJson } from './support/otlp-json.js';
import { generateRuns } from '../analyzer/eval/generate-runs.js';
import { createLogger } from '../ops/logger.js';

const DAY = 86_400_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function sendAll(url: string, bodies: string[], concurrency: number, until?: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const sender = async () => {
    while (next < bodies.length && !(until?.() ?? false)) {
      const body = bodies[next++]!;
      const started = performance.now();
      const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return latencies.sort((a, b) => a - b);
}

function describeLatencies(latencies: number[]): string {
  return `n=${latencies.length} p50 ${fmt(percentile(latencies, 0.5), 1)} ms, p99 ${fmt(percentile(latencies, 0.99), 1)} ms, max ${fmt(latencies[latencies.length - 1] ?? 0, 1)} ms`;
}

export default async function analysisBench({ quick }: { quick: boolean }): Promise<void> {
  const targetSpans = quick ? 20_000 : 1_000_000;
  const chunkRuns = quick ? 1000 : 5000;
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-analysis-bench-'));
  const path = join(dir, 'bench.db');
  try {
    // 1. The backlog, spread over 30 days of span time (≈ 5 runs a minute at full size).
    const setupStarted = performance.now();
    const db = openDatabase(path, { synchronous: 'normal' });
    const write = createSpanWriter(db);
    let spans = 0;
    let runs = 0;
    const firstMs = Date.now() - 40 * DAY;
    for (let chunk = 0; spans < targetSpans; chunk++) {
      const generated = generateRuns({ runs: chunkRuns, seed: 1000 + chunk, startMs: firstMs + chunk * DAY * (quick ? 3 : 0.25), days: quick ? 3 : 0.25, warmupRuns: chunk === 0 ? 15 : 0 });
      const batch = generated.flatMap(({ request }) => normalizeRequest(request));
      for (let i = 0; i < batch.length; i += 4096) write(batch.slice(i, i + 4096), Date.now() - 60_000);
      spans += batch.length;
      runs += generated.length;
    }
    db.close();
    console.log(`backlog: ${fmt(runs)} runs, ${fmt(spans)} spans written in ${fmt((performance.now() - setupStarted) / 1000, 1)} s`);

    // Live traffic for during and after: runs in the present, one per request.
    const live = generateRuns({ runs: quick ? 400 : 4000, seed: 99, startMs: Date.now() - 2 * 3_600_000, days: 1 / 12, warmupRuns: 0 }).map(({ request }) => toOtlpJson(request));
    const half = Math.floor(live.length / 2);

    // 2. The service drains the backlog while live requests arrive.
    const config = parseConfig({
      server: { port: 0 },
      storage: { path, writerThread: process.env.BENCH_WRITER_THREAD !== 'false' },
      analyzer: { idle: '0s', pollInterval: '50ms' },
      reports: { enabled: false },
      retention: { maxAgeDays: 0 },
      logging: { level: 'silent' },
    });
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    const service = await startService(config, { logger: createLogger('silent') });
    loopDelay.enable();
    const pending = service.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE analyzed = 0').pluck();
    const drainStarted = performance.now();
    let drained = false;
    let drainMs = 0;
    const watcher = (async () => {
      while (!drained) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if ((pending.get() as number) === 0) {
          drained = true;
          drainMs = performance.now() - drainStarted;
        }
      }
    })();
    const during = await sendAll(service.url, live.slice(0, half), 2, () => drained);
    await watcher;
    loopDelay.disable();
    const histogram = (await service.metrics.registry.getSingleMetric('tracehound_analysis_seconds')!.get()).values;
    const analysisCount = histogram.find((value) => (value as { metricName?: string }).metricName === 'tracehound_analysis_seconds_count')?.value ?? 0;
    const analysisSum = histogram.find((value) => (value as { metricName?: string }).metricName === 'tracehound_analysis_seconds_sum')?.value ?? 0;
    const totalSpans = spans + during.length * 9;
    console.log(
      `analysis of the backlog: ${fmt(runs + during.length)} traces (≈${fmt(totalSpans)} spans) in ${fmt(drainMs / 1000, 1)} s = ` +
        `${fmt(totalSpans / (drainMs / 1000))} spans/s, ${fmt((runs + during.length) / (drainMs / 1000))} traces/s (2 cores shared with the senders)`,
    );
    console.log(`analysis cost per trace (detectors + reads + writes, mean over ${fmt(analysisCount)}): ${fmt((analysisSum / Math.max(1, analysisCount)) * 1000, 3)} ms`);
    console.log(
      `event-loop delay while analysing (slices of ${config.analyzer.sliceBudgetMs} ms): p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} ms, max ${fmt(loopDelay.max / 1e6, 1)} ms`,
    );
    const slices = (await service.metrics.registry.getSingleMetric('tracehound_analysis_slice_seconds')!.get()).values as { value: number; labels: { le?: number | string }; metricName?: string }[];
    const sliceCount = slices.find((value) => value.metricName === 'tracehound_analysis_slice_seconds_count')?.value ?? 0;
    const sliceSum = slices.find((value) => value.metricName === 'tracehound_analysis_slice_seconds_sum')?.value ?? 0;
    const buckets = slices.filter((value) => value.metricName === 'tracehound_analysis_slice_seconds_bucket' && value.labels.le !== '+Inf');
    const within = (le: number) => buckets.find((value) => Number(value.labels.le) === le)?.value ?? 0;
    const p99Bucket = buckets.find((value) => value.value >= 0.99 * sliceCount);
    console.log(
      `analyser slices (analysis + commit, then yield): ${fmt(sliceCount)}, mean ${fmt((sliceSum / Math.max(1, sliceCount)) * 1000, 1)} ms, ` +
        `${fmt((within(0.01) / Math.max(1, sliceCount)) * 100, 1)}% ≤ 10 ms, ${fmt((within(0.025) / Math.max(1, sliceCount)) * 100, 2)}% ≤ 25 ms, p99 ≤ ${p99Bucket === undefined ? '> 250' : fmt(Number(p99Bucket.labels.le) * 1000, 1)} ms`,
    );
    console.log(`ingest latency WHILE analysing (POST /v1/traces, 1 run ≈ 9 spans per request, 2 senders): ${describeLatencies(during)}`);

    // 3. Steady state: live runs arrive and are analysed as they complete.
    const before = { count: analysisCount, sum: analysisSum };
    const after = await sendAll(service.url, live.slice(half), 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const steady = (await service.metrics.registry.getSingleMetric('tracehound_analysis_seconds')!.get()).values;
    const count = (steady.find((value) => (value as { metricName?: string }).metricName === 'tracehound_analysis_seconds_count')?.value ?? 0) - before.count;
    const sum = (steady.find((value) => (value as { metricName?: string }).metricName === 'tracehound_analysis_seconds_sum')?.value ?? 0) - before.sum;
    console.log(`ingest latency at steady state (live analysis of each run 0 s after it completes): ${describeLatencies(after)}`);
    console.log(`steady-state analysis cost per trace (${fmt(count)} live traces): ${fmt((sum / Math.max(1, count)) * 1000, 3)} ms`);
    await service.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
