import type { Context, Handler } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Metrics } from '../../ops/metrics.js';
import type { Logger } from '../../ops/logger.js';
import { BodyError } from '../read-body.js';
import { ClientInflightBytesExceededError, InflightBytesExceededError } from '../inflight-bytes.js';
import { CONTENT_TYPES, encodeExportResponse, encodeStatus, type OtlpEncoding } from '../encode-response.js';
import type { OtlpExport, OtlpSignal } from '../export/otlp-export.js';
import { invalid, type ExportFailure } from '../export/export-failure.js';

const UNSUPPORTED_MEDIA_TYPE = '415 unsupported media type, supported: [application/json, application/x-protobuf]';

export interface OtlpHttpHandlerOptions {
  core: OtlpExport;
  signal: OtlpSignal;
  metrics: Metrics;
  logger?: Logger;
}

/**
 * One signal's OTLP/HTTP endpoint (OTLP.md §1, §6), a thin adapter over the ingest core:
 * method (405) and media type (415) → `core.admit(client)` → read and decompress the body
 * (sec's BodyReader: limits 413, read deadline 408, per-client share 429) → `core.export()` → render: 200 with the Export*ServiceResponse in
 * the request's encoding (partial success when items were rejected), or the failure's status
 * with a google.rpc.Status body, Retry-After when retryable, `Connection: close` after a 408/413.
 */
export function createOtlpHttpHandler(options: OtlpHttpHandlerOptions): Handler {
  const { core, signal, metrics, logger } = options;

  const refuse = (c: Context, encoding: OtlpEncoding, failure: ExportFailure) => {
    metrics.requestsRejected.inc({ reason: failure.reason });
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPES[encoding] };
    if (failure.retryAfterSeconds !== null) headers['Retry-After'] = String(failure.retryAfterSeconds);
    // The unread rest of the body is not drained: end the connection.
    if (failure.httpStatus === 413 || failure.httpStatus === 408) headers.Connection = 'close';
    return c.body(encodeStatus(encoding, failure.code, failure.message), failure.httpStatus, headers);
  };

  return async (c) => {
    if (c.req.method !== 'POST') {
      metrics.requestsRejected.inc({ reason: 'method_not_allowed' });
      return c.body('405 method not allowed, supported: [POST]', 405, { 'Content-Type': 'text/plain', Allow: 'POST' });
    }
    const encoding = mediaTypeEncoding(c.req.header('content-type'));
    if (encoding === null) {
      metrics.requestsRejected.inc({ reason: 'unsupported_media_type' });
      return c.body(UNSUPPORTED_MEDIA_TYPE, 415, { 'Content-Type': 'text/plain' });
    }
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const client = incoming?.socket.remoteAddress ?? '';
    const admission = await core.admit(client);
    if (!admission.ok) return refuse(c, encoding, admission.failure);
    const { lease } = admission;
    try {
      let body: Buffer;
      try {
        const source: AsyncIterable<Uint8Array> = incoming ?? (c.req.raw.body as AsyncIterable<Uint8Array> | null) ?? emptyBody();
        body = await core.bodies.read({ body: source, contentLength: c.req.header('content-length'), contentEncoding: c.req.header('content-encoding') }, lease, client);
      } catch (error) {
        if (error instanceof BodyError || error instanceof InflightBytesExceededError || error instanceof ClientInflightBytesExceededError) {
          return refuse(c, encoding, core.classify(error));
        }
        logger?.warn({ err: error }, 'reading an OTLP request failed');
        return refuse(c, encoding, invalid('unreadable', `the request body could not be read: ${(error as Error).message}`));
      }
      const result = await core.export({ signal, encoding, body });
      if (!result.ok) return refuse(c, encoding, result.failure);
      return c.body(encodeExportResponse(encoding, result.rejected, result.message, signal), 200, { 'Content-Type': CONTENT_TYPES[encoding] });
    } finally {
      lease.release();
    }
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/** `application/x-protobuf` / `application/json`, parameters ignored (like mime.ParseMediaType). */
export function mediaTypeEncoding(header: string | undefined): OtlpEncoding | null {
  if (header === undefined) return null;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}
