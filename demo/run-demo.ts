import { startTracing, type ExportStats } from '../instrument/index.js';
import { planDemoRuns } from './demo-plan.js';
import { replayRun } from './replay-run.js';
import { EXPECTED_DETECTOR, type Scenario } from './run-script.js';

export const DEMO_SERVICE = 'tracehound-demo';

export interface DemoOptions {
  /** OTLP/HTTP base URL (or full /v1/traces URL) to send to. */
  endpoint: string;
  runs: number;
  seed: number;
  /** Days of history the runs are spread over. */
  days: number;
  /** "Now" in epoch milliseconds. Default Date.now(). */
  nowMs?: number;
  /** Extra export headers (e.g. an ingest key). */
  headers?: Record<string, string>;
}

export interface DemoSummary {
  runs: number;
  spans: number;
  /** Runs per scenario. */
  scenarios: Partial<Record<Scenario, number>>;
  /** Runs a detector should flag, by detector id. */
  expectedFlags: Record<string, number>;
  export: ExportStats;
  /** Wall time of the whole demo, milliseconds. */
  durationMs: number;
  tracesUrl: string;
}

/** Runs replayed between flushes, so the export queue never overflows. */
const FLUSH_EVERY_RUNS = 25;

/**
 * Sends the demo's runs through tracehound/instrument (the real OpenTelemetry SDK and OTLP/HTTP
 * exporter) and shuts the pipeline down, so every span has been sent (or given up on) when it
 * resolves. Registers the global tracer provider: call it once per process.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const startedMs = Date.now();
  const scripts = planDemoRuns({ runs: options.runs, seed: options.seed, days: options.days, nowMs: options.nowMs ?? Date.now() });
  let firstError: string | null = null;
  const tracing = startTracing({
    serviceName: DEMO_SERVICE,
    serviceVersion: '1.0.0',
    endpoint: options.endpoint,
    headers: options.headers,
    resourceAttributes: { 'deployment.environment.name': 'demo' },
    maxQueueSize: 16_384,
    scheduledDelayMs: 200,
    exportTimeoutMs: 10_000,
    shutdownOnExit: false,
    onExportError: (error) => (firstError ??= error.message),
  });
  const scenarios: Partial<Record<Scenario, number>> = {};
  const expectedFlags: Record<string, number> = {};
  let spans = 0;
  for (const [index, script] of scripts.entries()) {
    await replayRun(script);
    spans += 1 + script.steps.length;
    scenarios[script.scenario] = (scenarios[script.scenario] ?? 0) + 1;
    const detector = EXPECTED_DETECTOR[script.scenario];
    if (detector !== null) expectedFlags[detector] = (expectedFlags[detector] ?? 0) + 1;
    if ((index + 1) % FLUSH_EVERY_RUNS === 0) await tracing.forceFlush();
  }
  await tracing.shutdown();
  const stats = tracing.stats();
  if (stats.lastError === null && firstError !== null) stats.lastError = firstError;
  return { runs: scripts.length, spans, scenarios, expectedFlags, export: stats, durationMs: Date.now() - startedMs, tracesUrl: tracing.url };
}
