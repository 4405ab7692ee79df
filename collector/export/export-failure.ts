import { BodyError } from '../read-body.js';
import { ClientInflightBytesExceededError, InflightBytesExceededError } from '../inflight-bytes.js';
import { OtlpDecodeError } from '../decode/decode-error.js';
import { IngestUnavailableError } from '../ingest-queue.js';

/** The gRPC status codes an export can end with (google.rpc.Code). */
export const GRPC_STATUS = {
  ok: 0,
  invalidArgument: 3,
  deadlineExceeded: 4,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;
export type GrpcStatusCode = (typeof GRPC_STATUS)[keyof typeof GRPC_STATUS];

/**
 * Why an export stored nothing, in transport-neutral terms: each transport only renders it
 * (HTTP: `httpStatus` + google.rpc.Status body + Retry-After; gRPC: `code` + RetryInfo).
 *
 * Contract (OTLP.md §1.2, §1.4, the Collector's internal/errors): `retryAfterSeconds` is set
 * exactly when the sender should retry later (overload, shutdown, storage failure); such
 * failures are UNAVAILABLE / 503, except one client holding too many bytes at once, which is
 * RESOURCE_EXHAUSTED with RetryInfo / 429. Bad data is a permanent INVALID_ARGUMENT / 400; a
 * body over the limit is RESOURCE_EXHAUSTED without RetryInfo (not retryable) / 413; a body
 * not received in time is 408 (HTTP only: gRPC messages are read by grpc-js).
 */
export interface ExportFailure {
  code: GrpcStatusCode;
  httpStatus: 400 | 408 | 413 | 429 | 500 | 503;
  /** Metric label for `requestsRejected{reason}`. */
  reason: string;
  /** English, for the google.rpc.Status message. */
  message: string;
  /** Seconds to wait before retrying; null: do not retry (permanent). */
  retryAfterSeconds: number | null;
}

/** Picks a Retry-After in [min, 2 × min]: a herd of refused exporters should not return in the same second. */
export function spreadRetryAfter(minSeconds: number): number {
  return minSeconds + Math.floor(Math.random() * (minSeconds + 1));
}

/**
 * The one place an ingest error becomes a permanent or retryable failure, whatever the
 * transport. Unknown errors are INTERNAL / 500 (the server's fault, not retried by OTLP
 * exporters: nothing was stored, and retrying would hit the same bug).
 */
export function classifyExportError(error: unknown, retryAfterSeconds: number): ExportFailure {
  if (error instanceof InflightBytesExceededError) return unavailable('inflight_bytes', error.message, retryAfterSeconds);
  if (error instanceof ClientInflightBytesExceededError) {
    return { code: GRPC_STATUS.resourceExhausted, httpStatus: 429, reason: 'client_inflight_bytes', message: error.message, retryAfterSeconds: spreadRetryAfter(retryAfterSeconds) };
  }
  if (error instanceof IngestUnavailableError) return unavailable(error.reason, error.message, retryAfterSeconds);
  if (error instanceof BodyError) {
    if (error.status === 413) return { code: GRPC_STATUS.resourceExhausted, httpStatus: 413, reason: error.reason, message: error.message, retryAfterSeconds: null };
    if (error.status === 408) return { code: GRPC_STATUS.deadlineExceeded, httpStatus: 408, reason: error.reason, message: error.message, retryAfterSeconds: null };
    return invalid(error.reason, error.message);
  }
  if (error instanceof OtlpDecodeError) return invalid('undecodable', error.message);
  return {
    code: GRPC_STATUS.internal,
    httpStatus: 500,
    reason: 'internal',
    message: 'the server failed to process the request; nothing was stored',
    retryAfterSeconds: null,
  };
}

export function invalid(reason: string, message: string): ExportFailure {
  return { code: GRPC_STATUS.invalidArgument, httpStatus: 400, reason, message, retryAfterSeconds: null };
}

export function unavailable(reason: string, message: string, retryAfterSeconds: number): ExportFailure {
  return { code: GRPC_STATUS.unavailable, httpStatus: 503, reason, message, retryAfterSeconds: spreadRetryAfter(retryAfterSeconds) };
}
