import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Attributes } from '@opentelemetry/api';
import { configureContentCapture, DEFAULT_MAX_CONTENT_CHARS, type RedactContent } from './content-capture.js';
import { CountingExporter, describeError, type ExportStats } from './counting-exporter.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';

export interface StartTracingOptions {
  /** `service.name` of every span: the application, e.g. "support-bot". */
  serviceName: string;
  serviceVersion?: string;
  /**
   * Where tracehound (or any OTLP/HTTP receiver) listens: a base URL such as
   * http://127.0.0.1:4318 (`/v1/traces` is appended) or a full URL ending in `/v1/traces`.
   * Default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is), else OTEL_EXPORTER_OTLP_ENDPOINT
   * (+ /v1/traces), else http://127.0.0.1:4318.
   */
  endpoint?: string;
  /** Extra HTTP headers on every export request. */
  headers?: Record<string, string>;
  /** An ingest key of tracehound's `auth.ingestKeys`; sent as `Authorization: Bearer KEY`. */
  apiKey?: string;
  /** More resource attributes, e.g. `{ 'deployment.environment.name': 'prod' }`. */
  resourceAttributes?: Attributes;
  /** Record prompts, answers, tool arguments and results. Default true. */
  captureContent?: boolean;
  /** Longest recorded content per attribute, in characters. Default 16384. */
  maxContentChars?: number;
  /** Redaction hook run on every piece of content before it is recorded (see RedactContent). */
  redact?: RedactContent;
  /**
   * Longest one export (including retries) may take, in milliseconds; also bounds shutdown.
   * Default 3000. When tracehound is down, spans are dropped after this, never queued forever.
   */
  exportTimeoutMs?: number;
  /** How long finished spans wait to be batched, in milliseconds. Default 1000. */
  scheduledDelayMs?: number;
  /** Finished spans held in memory at most; past this, new spans are dropped. Default 2048. */
  maxQueueSize?: number;
  /** OpenTelemetry instrumentations to enable too (e.g. OpenInference's). */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
  /** Flush and shut down on `beforeExit`, SIGTERM and SIGINT. Default true. */
  shutdownOnExit?: boolean;
  /**
   * Called once per streak of failed exports (again only after a success). Default: one line
   * on stderr. Export errors never throw into the agent.
   */
  onExportError?: (error: Error) => void;
}

/** A started tracing pipeline. */
export interface Tracing {
  /** The full traces URL spans are sent to. */
  readonly url: string;
  /** Exports every finished span now; resolves (never rejects) within about exportTimeoutMs. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops tracing; idempotent; resolves (never rejects) within about exportTimeoutMs. */
  shutdown(): Promise<void>;
  /** Counts of exported and failed spans so far. */
  stats(): ExportStats;
}

let active: Tracing | undefined;

/**
 * Starts sending traces to tracehound: registers a global OpenTelemetry tracer provider (via
 * @opentelemetry/sdk-node) exporting OTLP/HTTP with a BatchSpanProcessor. Call it once, before
 * the agent runs; a second call returns the running pipeline. The trace helpers
 * (traceAgentRun, traceLlmCall, traceToolCall) work with it or with any provider the
 * application registered itself.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  if (active !== undefined) return active;
  configureContentCapture({
    captureContent: options.captureContent ?? true,
    maxContentChars: options.maxContentChars ?? DEFAULT_MAX_CONTENT_CHARS,
    redact: options.redact,
  });
  const url = resolveTracesUrl(options.endpoint, process.env);
  const exportTimeoutMs = options.exportTimeoutMs ?? 3000;
  const headers = { ...options.headers };
  if (options.apiKey !== undefined) headers.Authorization = `Bearer ${options.apiKey}`;
  const exporter = new CountingExporter(
    new OTLPTraceExporter({ url, headers, timeoutMillis: exportTimeoutMs }),
    options.onExportError ?? ((error) => process.stderr.write(`tracehound: could not send spans to ${url}: ${describeError(error)}\n`)),
  );
  const processor = new BatchSpanProcessor(exporter, {
    scheduledDelayMillis: options.scheduledDelayMs ?? 1000,
    exportTimeoutMillis: exportTimeoutMs,
    maxQueueSize: options.maxQueueSize ?? 2048,
    maxExportBatchSize: 512,
  });
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({
      ...(options.serviceVersion !== undefined ? { 'service.version': options.serviceVersion } : {}),
      ...options.resourceAttributes,
    }),
    spanProcessors: [processor],
    instrumentations: options.instrumentations ?? [],
  });
  sdk.start();

  const boundMs = exportTimeoutMs + 1000;
  let stopping: Promise<void> | undefined;
  const removeExitHooks = options.shutdownOnExit === false ? () => undefined : installExitHooks(() => tracing.shutdown());
  const tracing: Tracing = {
    url,
    forceFlush: () => settleWithin(processor.forceFlush(), boundMs),
    shutdown() {
      stopping ??= (async () => {
        removeExitHooks();
        await settleWithin(sdk.shutdown(), boundMs);
        if (active === tracing) active = undefined;
      })();
      return stopping;
    },
    stats: () => ({ ...exporter.stats }),
  };
  active = tracing;
  return tracing;
}

/** Shuts down the pipeline startTracing started, if any (flushes first). */
export function shutdown(): Promise<void> {
  return active?.shutdown() ?? Promise.resolve();
}

/** The traces URL from the option, then the standard OTLP environment variables. */
export function resolveTracesUrl(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  if (endpoint !== undefined && endpoint !== '') return withTracesPath(endpoint);
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return withTracesPath(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  return withTracesPath(DEFAULT_ENDPOINT);
}

function withTracesPath(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => { clearTimeout(timer); resolve(); },
      () => { clearTimeout(timer); resolve(); },
    );
  });
}

/**
 * Flush on the way out. beforeExit fires when the event loop is empty (not on process.exit():
 * call `await shutdown()` before exiting explicitly). On SIGTERM/SIGINT, when no other handler
 * is installed, the signal is raised again after the flush so the process still ends as
 * it would have without us.
 */
function installExitHooks(stop: () => Promise<void>): () => void {
  const onBeforeExit = () => void stop();
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().then(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  process.once('beforeExit', onBeforeExit);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.off('beforeExit', onBeforeExit);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
