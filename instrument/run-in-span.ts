import { SpanStatusCode, trace, type Attributes, type AttributeValue, type Span, type SpanKind, type TimeInput } from '@opentelemetry/api';
import { GEN_AI } from './gen-ai-attributes.js';

export const TRACER_NAME = 'tracehound-instrument';
export const TRACER_VERSION = '0.1.0';

/** Explicit span times, for replaying or importing runs; by default spans use the clock. */
export interface SpanTiming {
  /**
   * When the span started: a Date, epoch milliseconds, or an HrTime. Default: now. (Unlike
   * the raw OpenTelemetry API, a number is always epoch milliseconds, even one from before
   * the process started.)
   */
  startTime?: TimeInput;
  /** When it ended; same forms. Default: when the wrapped function settles. */
  endTime?: TimeInput;
}

/** What every helper hands its function: the live span and a few conveniences. */
export interface TracedSpan {
  /** The underlying OpenTelemetry span, for anything the helpers do not cover. */
  readonly span: Span;
  /** Sets an attribute; undefined values are ignored. */
  setAttribute(key: string, value: AttributeValue | undefined): void;
  /** Ends the span at this time instead of when the function settles. */
  setEndTime(time: TimeInput): void;
}

export interface SpanSpec {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  timing: SpanTiming | undefined;
}

/**
 * Runs `fn` inside a new active span (children nest under it), records a thrown error as an
 * `exception` event plus ERROR status and `error.type`, rethrows it, and ends the span.
 * `finish` runs after `fn` succeeds to record results; its own errors are swallowed: tracing
 * never changes what the agent sees.
 */
export function runInSpan<H extends TracedSpan, T>(
  spec: SpanSpec,
  makeHandle: (base: TracedSpan) => H,
  fn: (handle: H) => T | Promise<T>,
  finish: (handle: H, result: T) => void,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME, TRACER_VERSION);
  const options = { kind: spec.kind, attributes: dropUndefined(spec.attributes), startTime: toOtelTime(spec.timing?.startTime) };
  return tracer.startActiveSpan(spec.name, options, async (span) => {
    let endTime = toOtelTime(spec.timing?.endTime);
    const base: TracedSpan = {
      span,
      setAttribute(key, value) {
        if (value !== undefined) span.setAttribute(key, value);
      },
      setEndTime(time) {
        endTime = toOtelTime(time);
      },
    };
    const handle = makeHandle(base);
    try {
      const result = await fn(handle);
      try {
        finish(handle, result);
      } catch {
        // recording a result must never fail the call
      }
      return result;
    } catch (error) {
      // A replayed (backdated) span failed at its given end, not at the wall clock.
      recordError(span, error, endTime);
      throw error;
    } finally {
      span.end(endTime);
    }
  });
}

/**
 * Marks `span` failed with `error`: exception event (at `time`, default now), ERROR status,
 * `error.type`.
 */
export function recordError(span: Span, error: unknown, time?: TimeInput): void {
  try {
    const err = error instanceof Error ? error : new Error(String(error));
    span.recordException(err, time);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttribute(GEN_AI.errorType, err.name && err.name !== 'Error' ? err.name : (err.constructor?.name ?? 'Error'));
  } catch {
    // a span that cannot record is not the agent's problem
  }
}

/**
 * OpenTelemetry reads a number below the process start time as a performance.now() offset;
 * backdated epoch milliseconds would land in the wrong place, so numbers become Dates.
 */
function toOtelTime(time: TimeInput | undefined): TimeInput | undefined {
  return typeof time === 'number' ? new Date(time) : time;
}

export function dropUndefined(attributes: Record<string, AttributeValue | undefined>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
