import { createGunzip, createInflate } from 'node:zlib';
import { InflationSlots, InflightBytes, type InflightLease } from './inflight-bytes.js';

/** A body that cannot be read: 400 (bad encoding or data), 408 (not received in time) or 413 (over the size limit). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
    /** Metric label for `requestsRejected{reason}`. */
    readonly reason: string,
  ) {
    super(message);
  }
}

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/**
 * Reads `Content-Encoding`: none/`identity`, `gzip` (also `x-gzip`) and `deflate` (zlib
 * format). Anything else, zstd included (Node 20 has no zstd), is a 400 as in the Collector.
 */
export function parseContentEncoding(header: string | undefined): ContentCoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  throw new BodyError(400, `unsupported Content-Encoding "${value.slice(0, 40)}"; supported: gzip, deflate, identity`, 'unsupported_encoding');
}

/**
 * Reads a request body of at most `maxBytes`. A declared Content-Length over the limit is
 * refused before reading; a body that grows past it stops being read at the limit (BodyError
 * 413). `take(bytes)`, when given, is told of each chunk as it arrives, before it is kept —
 * bytes actually received, never the declared length, so a sender that declares 64 MiB and
 * trickles holds only what it sent — and may throw to stop reading. With `deadlineMs`, a body
 * not complete within that many milliseconds of the call is a BodyError 408 (slow senders
 * cannot hold a request open for the server's 300 s request timeout); the source is left
 * unread, so the caller can still answer before the connection closes.
 */
export async function readBody(
  source: AsyncIterable<Uint8Array>,
  contentLength: string | undefined,
  maxBytes: number,
  take?: (bytes: number) => void,
  deadlineMs?: number,
): Promise<Buffer> {
  const declared = contentLength === undefined || contentLength.trim() === '' ? Number.NaN : Number(contentLength);
  if (declared > maxBytes) throw tooLarge(maxBytes, 'as sent');
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = source[Symbol.asyncIterator]();
  const deadline = deadlineMs === undefined ? null : Date.now() + deadlineMs;
  for (;;) {
    const next = iterator.next();
    let step: IteratorResult<Uint8Array>;
    if (deadline === null) step = await next;
    else {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), 'expired')));
      const raced = await Promise.race([next, expired]).finally(() => clearTimeout(timer));
      if (raced === 'expired') {
        next.catch(() => undefined); // settles (or fails) when the connection closes
        throw new BodyError(408, `the request body was not received within ${deadlineMs} ms (collector.bodyReadTimeout)`, 'body_timeout');
      }
      step = raced;
    }
    if (step.done) break;
    const chunk = step.value;
    total += chunk.length;
    if (total > maxBytes) {
      await iterator.return?.();
      throw tooLarge(maxBytes, 'as sent');
    }
    try {
      take?.(chunk.length);
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** Output chunk of the streaming inflater: the unit in which inflated bytes are charged. */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * Decompresses `body` with at most `maxBytes` of output, streaming: `take(bytes)` is told of
 * each inflated chunk as it is produced (and may throw to stop), and inflation stops as soon as
 * the output passes `maxBytes` (413), so a gzip bomb is never inflated in full and what it did
 * inflate is charged while it is held. Corrupt or truncated data is a 400. Inflation runs on
 * libuv's thread pool, off the event loop.
 */
export async function decompressBody(
  body: Buffer,
  coding: ContentCoding,
  maxBytes: number,
  take?: (bytes: number) => void,
): Promise<Buffer> {
  if (coding === 'identity') return body;
  const inflater = coding === 'gzip' ? createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }) : createInflate({ chunkSize: INFLATE_CHUNK_BYTES });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      inflater.destroy();
      reject(error);
    };
    inflater.on('data', (chunk: Buffer) => {
      if (failed) return;
      total += chunk.length;
      if (total > maxBytes) return fail(tooLarge(maxBytes, 'after decompression'));
      try {
        take?.(chunk.length);
      } catch (error) {
        return fail(error);
      }
      chunks.push(chunk);
    });
    inflater.on('error', (error) => fail(new BodyError(400, `invalid ${coding} data: ${error.message}`, 'bad_compression')));
    inflater.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    inflater.end(body);
  });
}

function tooLarge(maxBytes: number, when: string): BodyError {
  return new BodyError(413, `request body is larger than ${maxBytes} bytes ${when} (collector.maxBodyBytes)`, 'body_too_large');
}

export interface BodyReaderLimits {
  /** collector.maxBodyBytes: largest body as sent and after decompression. */
  maxBodyBytes: number;
  /** collector.maxInflightBytes: bytes held at once by all requests being read. */
  maxInflightBytes: number;
  /** collector.maxInflightBytesPerClient: bytes held at once by one client's requests. */
  maxInflightBytesPerClient: number;
  /** collector.maxConcurrentInflations: decompressions running at once. */
  maxConcurrentInflations: number;
  /** collector.bodyReadTimeout, in milliseconds: time to receive a whole body. */
  bodyReadTimeoutMs: number;
}

/** What one request hands the body reader; transport-neutral (HTTP today). */
export interface BodySource {
  body: AsyncIterable<Uint8Array>;
  contentLength: string | undefined;
  contentEncoding: string | undefined;
}

/**
 * Reading request bodies under one shared budget: every byte received or inflated is charged to
 * the request's lease (whole budget and per-client share), slow bodies hit a read deadline,
 * and at most `maxConcurrentInflations` decompressions run at once. Errors: BodyError
 * (400/408/413), InflightBytesExceededError (503), ClientInflightBytesExceededError (429).
 */
export class BodyReader {
  readonly inflight: InflightBytes;
  private readonly slots: InflationSlots;

  constructor(readonly limits: BodyReaderLimits) {
    this.inflight = new InflightBytes(limits.maxInflightBytes, limits.maxInflightBytesPerClient);
    this.slots = new InflationSlots(limits.maxConcurrentInflations);
  }

  /** A share of the budget for one request from `client`; release it once the request is answered. */
  lease(client: string): InflightLease {
    return this.inflight.lease(client);
  }

  /** The decompressed body of a request from `client`; its bytes (as sent and inflated) stay charged to `lease`. */
  async read(source: BodySource, lease: InflightLease, client: string): Promise<Buffer> {
    const coding = parseContentEncoding(source.contentEncoding);
    const raw = await readBody(source.body, source.contentLength, this.limits.maxBodyBytes, lease.take, this.limits.bodyReadTimeoutMs);
    if (coding === 'identity') return raw;
    return this.slots.run(client, () => decompressBody(raw, coding, this.limits.maxBodyBytes, lease.take));
  }
}
