import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';

/** A body that cannot be read: 400 (bad encoding or data) or 413 (over the size limit). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 413,
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
 * refused before reading; a body that grows past it stops being read at the limit. Either way
 * BodyError 413. `take(bytes)`, when given, is told of the bytes before they are kept (the
 * declared length at once, else each chunk) and may throw to stop reading.
 */
export async function readBody(
  source: AsyncIterable<Uint8Array>,
  contentLength: string | undefined,
  maxBytes: number,
  take?: (bytes: number) => void,
): Promise<Buffer> {
  const declared = contentLength === undefined || contentLength.trim() === '' ? Number.NaN : Number(contentLength);
  if (declared > maxBytes) throw tooLarge(maxBytes, 'as sent');
  const declaredValid = Number.isSafeInteger(declared) && declared >= 0;
  if (take !== undefined && declaredValid) take(declared);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes, 'as sent');
    if (take !== undefined && (!declaredValid || total > declared)) take(declaredValid ? total - Math.max(declared, total - chunk.length) : chunk.length);
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Decompresses `body` with at most `maxBytes` of output. zlib stops as soon as the output
 * would pass the limit, so a gzip bomb is never inflated in full (413). Corrupt or truncated
 * data is a 400. Runs on libuv's thread pool, off the event loop.
 */
export async function decompressBody(body: Buffer, coding: ContentCoding, maxBytes: number): Promise<Buffer> {
  if (coding === 'identity') return body;
  const run = coding === 'gzip' ? gunzip : inflate;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      run(body as InputType, { maxOutputLength: maxBytes } as ZlibOptions, (error, result) => (error ? reject(error) : resolve(result)));
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge(maxBytes, 'after decompression');
    throw new BodyError(400, `invalid ${coding} data: ${(error as Error).message}`, 'bad_compression');
  }
}

function tooLarge(maxBytes: number, when: string): BodyError {
  return new BodyError(413, `request body is larger than ${maxBytes} bytes ${when} (collector.maxBodyBytes)`, 'body_too_large');
}
