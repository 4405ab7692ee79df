import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeProtobuf, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startTestService, type TestService } from '../collector/support/test-service.js';

/**
 * F1: slow bodies that declare a large Content-Length must not starve other senders. The budget
 * is charged with bytes actually read, a body has a read deadline (408), and one client's share
 * of the budget is capped (429) while other clients keep getting 2xx.
 */

interface RawAnswer {
  /** The status line's code, or 0 if the connection closed without an answer. */
  status: Promise<number>;
  socket: Socket;
}

/** Opens a real TCP connection, sends the request head and `firstBytes` of body, and keeps it open. */
function openUpload(port: number, declaredLength: number, firstBytes: number, localAddress = '127.0.0.1'): RawAnswer {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  socket.write(
    `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${declaredLength}\r\n\r\n`,
  );
  if (firstBytes > 0) socket.write(Buffer.alloc(firstBytes));
  let received = '';
  const status = new Promise<number>((resolve) => {
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) resolve(Number(match[1]));
    });
    socket.on('close', () => resolve(0));
    socket.on('error', () => resolve(0));
  });
  return { status, socket };
}

function validBody(name: string): Uint8Array {
  return encodeProtobuf(jsonRequest([jsonSpan({ name, attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(2000) } }] })]));
}

async function send(service: TestService, body: Uint8Array): Promise<number> {
  const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', body: body as unknown as BodyInit, headers: { 'Content-Type': 'application/x-protobuf' } });
  await response.arrayBuffer();
  return response.status;
}

let service: TestService | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await service?.stop();
  service = undefined;
});

describe('F1: slow bodies declaring a large Content-Length', () => {
  it('do not hold the in-flight budget: valid senders keep getting 200, the slow ones get 408 at the read deadline', async () => {
    service = await startTestService({ collector: { bodyReadTimeout: '1500ms' } });
    const port = service.port;
    // The attack: two connections declaring 64 MiB (the default maxBodyBytes) and trickling 1 byte at a time.
    const slow = [openUpload(port, 67_108_864, 1), openUpload(port, 67_108_864, 1)];
    sockets.push(...slow.map((upload) => upload.socket));
    const trickle = setInterval(() => slow.forEach((upload) => upload.socket.writable && upload.socket.write(Buffer.alloc(1))), 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push(await send(service, validBody(`valid ${i}`)));
      expect(statuses).toEqual(Array(10).fill(200));
      const started = Date.now();
      const slowStatuses = await Promise.all(slow.map((upload) => upload.status));
      expect(slowStatuses).toEqual([408, 408]);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      clearInterval(trickle);
    }
    expect((service.db.prepare("SELECT COUNT(*) AS n FROM spans WHERE name LIKE 'valid %'").get() as { n: number }).n).toBe(10);
    expect(await send(service, validBody('after'))).toBe(200);
  });

  it('cap the bytes one client may hold (429) without refusing other clients', async () => {
    service = await startTestService({
      collector: { maxInflightBytes: 4 * 1024 * 1024, maxInflightBytesPerClient: 512 * 1024, bodyReadTimeout: '10s' },
    });
    const port = service.port;
    // One client (127.0.0.2) sends 400 KiB of each of three 1 MiB bodies quickly, then stalls.
    const first = openUpload(port, 1024 * 1024, 400 * 1024, '127.0.0.2');
    sockets.push(first.socket);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = openUpload(port, 1024 * 1024, 400 * 1024, '127.0.0.2');
    const third = openUpload(port, 1024 * 1024, 400 * 1024, '127.0.0.2');
    sockets.push(second.socket, third.socket);
    expect(await second.status).toBe(429);
    expect(await third.status).toBe(429);
    // Another client is served while the first still holds its 400 KiB.
    expect(await send(service, validBody('other client'))).toBe(200);
    // The stalled client's lone request is still taken: it completes with 400 (not protobuf zeros) — not a budget refusal.
    first.socket.write(Buffer.alloc(1024 * 1024 - 400 * 1024));
    expect([200, 400]).toContain(await first.status);
  });
});
