import { Worker } from 'node:worker_threads';

export interface SendResult {
  /** Wall time from the first request sent to the last answer, ms. */
  ms: number;
  /** Requests not answered 200 (or with a gRPC error). */
  failed: number;
  /** Each request's latency, ms, ascending. */
  latencies: number[];
}

const SENDER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, bodies, contentType, senders } = workerData;
  let next = 0;
  let failed = 0;
  const latencies = [];
  let exportOne;
  if (contentType === 'grpc') {
    const grpc = require('node:module').createRequire(process.cwd() + '/')('@grpc/grpc-js');
    const client = new grpc.Client(url, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
    const path = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
    exportOne = (body) => new Promise((resolve) => {
      client.makeUnaryRequest(path, (b) => b, (b) => b, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new grpc.Metadata(), (error) => resolve(error ? 1 : 0));
    });
  } else {
    exportOne = async (body) => {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
      await response.arrayBuffer();
      return response.status === 200 ? 0 : 1;
    };
  }
  async function send() {
    for (;;) {
      const index = next++;
      if (index >= bodies.length) return;
      const started = performance.now();
      failed += await exportOne(bodies[index]);
      latencies.push(performance.now() - started);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: senders }, send));
  parentPort.postMessage({ ms: performance.now() - started, failed, latencies: latencies.sort((a, b) => a - b) });
})();
`;

/**
 * Sends `bodies` from a worker thread with `senders` concurrent requests (each sender waits for
 * its answer before the next), so the figures are the server's cost, not the client's.
 * `contentType` 'grpc' sends them as OTLP/gRPC TraceService/Export calls to `url` (host:port).
 */
export function sendFromWorker(url: string, bodies: (Uint8Array | string)[], contentType: string, senders: number): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const copies = bodies.map((body) => (typeof body === 'string' ? body : Uint8Array.from(body)));
    const worker = new Worker(SENDER_SOURCE, { eval: true, workerData: { url, bodies: copies, contentType, senders } });
    worker.once('message', (result: SendResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
