import { describe, expect, it } from 'vitest';
import { deflateSync, gzipSync } from 'node:zlib';
import { BodyError, decompressBody, parseContentEncoding, readBody } from './read-body.js';

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield part;
}

describe('parseContentEncoding', () => {
  it('accepts none, identity, gzip and deflate, any case', () => {
    expect(parseContentEncoding(undefined)).toBe('identity');
    expect(parseContentEncoding('Identity')).toBe('identity');
    expect(parseContentEncoding('GZIP')).toBe('gzip');
    expect(parseContentEncoding('deflate')).toBe('deflate');
  });

  it('refuses zstd, br and unknown codings with 400', () => {
    for (const coding of ['zstd', 'br', 'snappy', 'gzip, gzip']) {
      expect(() => parseContentEncoding(coding)).toThrowError(expect.objectContaining({ status: 400 }) as never);
    }
  });
});

describe('readBody', () => {
  it('joins chunks up to the limit', async () => {
    expect((await readBody(chunks(Buffer.from('ab'), Buffer.from('cd')), undefined, 4)).toString()).toBe('abcd');
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    await expect(readBody(chunks(), '5', 4)).rejects.toMatchObject({ status: 413 });
  });

  it('stops reading a body that grows past the limit', async () => {
    await expect(readBody(chunks(Buffer.alloc(3), Buffer.alloc(3)), undefined, 4)).rejects.toMatchObject({ status: 413 });
  });
});

describe('decompressBody', () => {
  it('inflates gzip and deflate', async () => {
    expect((await decompressBody(gzipSync('hello'), 'gzip', 100)).toString()).toBe('hello');
    expect((await decompressBody(deflateSync('hello'), 'deflate', 100)).toString()).toBe('hello');
  });

  it('answers a gzip bomb with 413 without inflating it fully', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros in ~64 KiB
    const before = process.memoryUsage().arrayBuffers;
    const error = await decompressBody(bomb, 'gzip', 1024 * 1024).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BodyError);
    expect(error).toMatchObject({ status: 413, message: expect.stringContaining('after decompression') });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('answers corrupt or truncated gzip with 400', async () => {
    await expect(decompressBody(Buffer.from('not gzip at all'), 'gzip', 100)).rejects.toMatchObject({ status: 400 });
    await expect(decompressBody(gzipSync('hello world').subarray(0, 8), 'gzip', 100)).rejects.toMatchObject({ status: 400 });
  });
});
