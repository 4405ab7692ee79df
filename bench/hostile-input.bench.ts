/**
 * Issue 15 F5 and F11, measured against a real tracehound in its own process (default config):
 * - F5: one span with 400,000 events: ingest answer, run page / span panel / flame graph / API
 *   time and size, the service's peak RSS, and /healthz latency while it all happens.
 * - F11: a ~44 MiB request of 10^6 attributes: /healthz latency and the valid ingest requests
 *   served (with their worst latency) while the service decodes it.
 * `npm run bench -- hostile` (add --quick for 100,000 events / 250,000 attributes).
 */
import { encodeProtobuf, jsonRequest, jsonSpan, type JsonKeyValue } from '../test/collector/support/otlp-payloads.js';
import { startServiceProcess, type ServiceProcess } from '../test/security/support/service-process.js';

const MiB = 1024 * 1024;

interface Probe {
  stop(): Promise<{ count: number; ok: number; maxMs: number }>;
}

/** Requests `make()` back to back until stopped; counts answers and keeps the worst latency. */
function probe(make: () => Promise<Response>): Probe {
  let running = true;
  let count = 0;
  let ok = 0;
  let maxMs = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await make();
        await response.arrayBuffer();
        if (response.ok) ok++;
      } catch {
        // timed out or refused: counted as not ok
      }
      count++;
      maxMs = Math.max(maxMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { count, ok, maxMs };
    },
  };
}

const healthz = (service: ServiceProcess) => probe(() => fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(15_000) }));
const validIngest = (service: ServiceProcess) =>
  probe(() =>
    fetch(`${service.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: new Uint8Array(encodeProtobuf(jsonRequest([jsonSpan({ name: "valid" })]))),
      signal: AbortSignal.timeout(15_000),
    }),
  );

async function timed(label: string, service: ServiceProcess, path: string): Promise<void> {
  const started = performance.now();
  try {
    const response = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(120_000) });
    const bytes = (await response.arrayBuffer()).byteLength;
    console.log(`  ${label.padEnd(22)} ${response.status} in ${(performance.now() - started).toFixed(0).padStart(6)} ms, ${(bytes / 1024).toFixed(0).padStart(7)} KiB`);
  } catch (error) {
    console.log(`  ${label.padEnd(22)} failed after ${(performance.now() - started).toFixed(0)} ms: ${(error as Error).message}`);
  }
}

async function manyEvents(eventCount: number): Promise<void> {
  const service = await startServiceProcess();
  try {
    const span = jsonSpan({
      name: 'hostile',
      events: Array.from({ length: eventCount }, (_, i) => ({ timeUnixNano: String(1700000000000000000n + BigInt(i)), name: `event ${i}`, attributes: [{ key: 'i', value: { intValue: i } }] })),
    });
    const body = new Uint8Array(encodeProtobuf(jsonRequest([span])));
    console.log(`F5: one span with ${eventCount.toLocaleString('en')} events (${(body.byteLength / MiB).toFixed(1)} MiB protobuf); RSS at start ${(service.rssBytes() / MiB).toFixed(0)} MiB`);
    const health = healthz(service);
    const started = performance.now();
    const ingest = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
    console.log(`  ingest                 ${ingest.status} in ${(performance.now() - started).toFixed(0).padStart(6)} ms`);
    await ingest.arrayBuffer();
    await timed('run page', service, `/runs/${span.traceId}`);
    await timed('span panel', service, `/runs/${span.traceId}/spans/${span.spanId}`);
    await timed('flame graph', service, `/runs/${span.traceId}?view=flame`);
    await timed('compare (with itself)', service, `/compare?a=${span.traceId}&b=${span.traceId}`);
    await timed('API spans', service, `/api/runs/${span.traceId}/spans`);
    const h = await health.stop();
    console.log(`  /healthz during all: ${h.ok}/${h.count} ok, worst ${h.maxMs.toFixed(0)} ms; peak RSS ${(service.peakRssBytes() / MiB).toFixed(0)} MiB, RSS after ${(service.rssBytes() / MiB).toFixed(0)} MiB`);
  } finally {
    await service.stop();
  }
}

async function manyAttributes(attributeCount: number): Promise<void> {
  const service = await startServiceProcess();
  try {
    const attributes: JsonKeyValue[] = Array.from({ length: attributeCount }, (_, i) => ({ key: `attribute.${i}`, value: { stringValue: `value of attribute number ${i}` } }));
    const body = new Uint8Array(encodeProtobuf(jsonRequest([jsonSpan({ name: "wide", attributes })])));
    console.log(`F11: ${attributeCount.toLocaleString('en')} attributes in one ${(body.byteLength / MiB).toFixed(1)} MiB request; RSS at start ${(service.rssBytes() / MiB).toFixed(0)} MiB`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const health = healthz(service);
    const valid = validIngest(service);
    const started = performance.now();
    const attacks = await Promise.all(
      [0, 1].map(() => fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body }).then(async (r) => { await r.arrayBuffer(); return r.status; })),
    );
    const attackMs = performance.now() - started;
    const h = await health.stop();
    const v = await valid.stop();
    console.log(`  two attack requests answered ${attacks.join(', ')} in ${attackMs.toFixed(0)} ms`);
    console.log(`  /healthz during: ${h.ok}/${h.count} ok, worst ${h.maxMs.toFixed(0)} ms`);
    console.log(`  valid ingest during: ${v.ok}/${v.count} got 2xx, worst ${v.maxMs.toFixed(0)} ms; peak RSS ${(service.peakRssBytes() / MiB).toFixed(0)} MiB`);
  } finally {
    await service.stop();
  }
}

export default async function hostileInputBench({ quick }: { quick: boolean }): Promise<void> {
  await manyEvents(quick ? 100_000 : 400_000);
  await manyAttributes(quick ? 250_000 : 1_000_000);
}
