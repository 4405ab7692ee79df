import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** What the exporter has done so far; for "why do my traces not arrive?". */
export interface ExportStats {
  /** Spans the endpoint acknowledged. */
  exportedSpans: number;
  /** Spans given up on (endpoint down, refused, timed out). */
  failedSpans: number;
  /** The latest export error's message, or null. */
  lastError: string | null;
}

/**
 * Wraps a SpanExporter to count results and report failures through `onError`, never by
 * throwing: a failing export must not reach the agent. `onError` is called once per streak
 * of failures (again only after a success).
 */
export class CountingExporter implements SpanExporter {
  readonly stats: ExportStats = { exportedSpans: 0, failedSpans: 0, lastError: null };
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly onError: (error: Error) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.inner.export(spans, (result) => {
        this.record(spans.length, result);
        resultCallback(result);
      });
    } catch (error) {
      const result: ExportResult = { code: ExportResultCode.FAILED, error: error as Error };
      this.record(spans.length, result);
      resultCallback(result);
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown().catch(() => undefined);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.().catch(() => undefined) ?? Promise.resolve();
  }

  private record(count: number, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.stats.exportedSpans += count;
      this.failing = false;
      return;
    }
    this.stats.failedSpans += count;
    const error = result.error ?? new Error('export failed');
    this.stats.lastError = describeError(error);
    if (this.failing) return;
    this.failing = true;
    try {
      this.onError(error);
    } catch {
      // a throwing callback must not break export
    }
  }
}

/** A one-line message; network errors from Node often carry only a `code` or an `errors` list. */
export function describeError(error: Error): string {
  const withCode = error as Error & { code?: unknown; errors?: Error[] };
  const parts = [error.message];
  if (typeof withCode.code === 'string' && !error.message.includes(withCode.code)) parts.push(withCode.code);
  if (Array.isArray(withCode.errors) && withCode.errors[0] !== undefined) parts.push(withCode.errors[0].message);
  return parts.filter((part) => part !== '').join(': ') || error.name;
}
