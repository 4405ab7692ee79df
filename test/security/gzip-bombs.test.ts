import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeProtobuf, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * F2: a burst of gzip bombs (100 concurrent bodies of ~66 KB that each inflate to 65 MiB) must
 * not take the service's memory: inflated bytes are charged as they stream, inflation is
 * limited, and each bomb stops at collector.maxBodyBytes. Peak RSS stays under 1 GiB and
 * memory is given back once the attack ends.
 */

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

function post(port: number, body: Buffer, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', localAddress, port, path: '/v1/traces', method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

let service: ServiceProcess | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

describe('F2: concurrent gzip bombs', () => {
  it('keep peak RSS under 1 GiB, are refused with 413/429/503, give memory back, and valid senders are served', async () => {
    service = await startServiceProcess();
    const bomb = gzipSync(Buffer.alloc(65 * MiB));
    expect(bomb.length).toBeLessThan(70 * 1024);
    const before = service.rssBytes();
    const valid = gzipSync(encodeProtobuf(jsonRequest([jsonSpan({ name: 'valid during the bombs' })])));
    const headers = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' };

    const bombs = Array.from({ length: 100 }, () => post(service!.port, bomb, headers));
    // Another client's valid request, sent in the middle of the burst, is served (inflation slots go round the clients).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const validStarted = Date.now();
    const validDuring = post(service.port, valid, headers, '127.0.0.2').then((status) => ({ status, ms: Date.now() - validStarted }));
    const statuses = await Promise.all(bombs);
    expect(statuses.every((status) => status === 413 || status === 429 || status === 503)).toBe(true);
    expect(statuses.filter((status) => status === 413).length).toBeGreaterThan(0);
    const during = await validDuring;
    expect(during.status).toBe(200);

    const peak = service.peakRssBytes();
    expect(peak).toBeLessThan(1 * GiB);
    // Memory given back: within a few seconds RSS returns near where it started.
    let after = service.rssBytes();
    for (let i = 0; i < 50 && after > before + 256 * MiB; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = service.rssBytes();
    }
    expect(after).toBeLessThan(before + 256 * MiB);
    expect(await post(service.port, valid, headers)).toBe(200);
    console.log(`gzip bombs: RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, after ${(after / MiB).toFixed(0)} MiB; valid request during the burst ${during.ms} ms`);
  }, 120_000);
});
