/**
 * Analysis pace against ingest, in one run (issue 13's scenario): a new user's agent sends
 * about 61k spans (the eval generator's labelled runs, four dialects, ~500 spans per request)
 * as fast as the server takes them, with analyzer.idle 1 s and the analyser on. Prints how long
 * ingest took, when the last run was analysed, and the pace ratio
 *
 *   pace = ingest time / (time until the last run is analysed − idle)
 *
 * (1.0: analysis keeps up with ingest; the idle wait is the configured delay, not lag), plus
 * ingest latency while the analyser works and the analyser's slice sizes. Quick: ~12k spans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/load-config.js';
import { startService } from '../cli/service.js';
import { generateRuns } from '../analyzer/eval/generate-runs.js';
import { createLogger } from '../ops/logger.js';
import { toOtlpJson } from './support/otlp-json.js';
import { percentile, sendFromWorker } from './support/send-from-worker.js';

const SENDERS = 4;
const IDLE_MS = 1000;
const TARGET_SPANS_PER_REQUEST = 500;

export interface PaceResult {
  spans: number;
  runs: number;
  ingestMs: number;
  lastAnalysedMs: number;
  pace: number;
  p99Ms: number;
}

export default async function analysisPaceBench({ quick }: { quick: boolean }): Promise<PaceResult> {
  const targetSpans = quick ? 12_000 : 61_440;
  const generated: ReturnType<typeof generateRuns> = [];
  let spans = 0;
  for (let chunk = 0; spans < targetSpans; chunk++) {
    for (const run of generateRuns({ runs: 500, seed: 500 + chunk, startMs: Date.now() - 3_600_000 + chunk * 60_000, days: 1 / 1440, warmupRuns: chunk === 0 ? 15 : 0 })) {
      if (spans >= targetSpans) break;
      generated.push(run);
      spans += run.request.resourceSpans.reduce((sum, rs) => sum + rs.scopeSpans.reduce((s, ss) => s + ss.spans.length, 0), 0);
    }
  }
  const bodies: string[] = [];
  for (let i = 0, inBody = 0, start = 0; i < generated.length; i++) {
    inBody += generated[i]!.request.resourceSpans.reduce((sum, rs) => sum + rs.scopeSpans.reduce((s, ss) => s + ss.spans.length, 0), 0);
    if (inBody >= TARGET_SPANS_PER_REQUEST || i === generated.length - 1) {
      bodies.push(toOtlpJson(...generated.slice(start, i + 1).map((run) => run.request)));
      start = i + 1;
      inBody = 0;
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'tracehound-pace-bench-'));
  try {
    const config = parseConfig({
      server: { port: 0 },
      storage: { path: join(dir, 'pace.db') },
      analyzer: { idle: `${IDLE_MS}ms`, pollInterval: '100ms' },
      reports: { enabled: false },
      retention: { maxAgeDays: 0 },
      logging: { level: 'silent' },
    });
    const service = await startService(config, { logger: createLogger('silent') });
    try {
      const started = Date.now();
      const sent = await sendFromWorker(`${service.url}/v1/traces`, bodies, 'application/json', SENDERS);
      const ingestMs = Date.now() - started;
      const pending = service.db.prepare('SELECT COUNT(*) FROM runs WHERE analyzed = 0').pluck();
      while ((pending.get() as number) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const lastAnalysedMs = (service.db.prepare('SELECT MAX(analyzed_at_ms) FROM runs').pluck().get() as number) - started;
      const runs = service.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number;
      const pace = ingestMs / Math.max(1, lastAnalysedMs - IDLE_MS);
      const slices = (await service.metrics.registry.getSingleMetric('tracehound_analysis_slice_seconds')!.get()).values as { value: number; metricName?: string }[];
      const sliceCount = slices.find((value) => value.metricName === 'tracehound_analysis_slice_seconds_count')?.value ?? 0;
      const sliceSum = slices.find((value) => value.metricName === 'tracehound_analysis_slice_seconds_sum')?.value ?? 0;
      const p99Ms = percentile(sent.latencies, 0.99);
      console.log(
        `${spans.toLocaleString('en-US')} spans in ${runs.toLocaleString('en-US')} runs, ${bodies.length} requests (OTLP/JSON, ${SENDERS} senders), analyzer.idle ${IDLE_MS} ms; ${sent.failed} failed requests`,
      );
      console.log(
        `ingest ${(ingestMs / 1000).toFixed(2)} s (${Math.round(spans / (ingestMs / 1000)).toLocaleString('en-US')} spans/s); last run analysed at ${(lastAnalysedMs / 1000).toFixed(2)} s; ` +
          `analysis pace = ${pace.toFixed(2)} of the ingest rate (≥ 1.0: keeps up)`,
      );
      console.log(
        `ingest latency while analysing (~${TARGET_SPANS_PER_REQUEST} spans per request): p50 ${percentile(sent.latencies, 0.5).toFixed(0)} ms, p99 ${p99Ms.toFixed(0)} ms; ` +
          `analyser slices: ${sliceCount}, mean ${((sliceSum / Math.max(1, sliceCount)) * 1000).toFixed(1)} ms, ${(runs / Math.max(1, sliceCount)).toFixed(1)} runs per slice`,
      );
      return { spans, runs, ingestMs, lastAnalysedMs, pace, p99Ms };
    } finally {
      await service.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
