import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTracing, traceAgentRun, traceLlmCall, traceToolCall } from '../../instrument/index.js';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tracehound/instrument when tracehound is down', () => {
  it('lets the agent finish normally and shuts down without throwing', async () => {
    const port = await closedPort();
    const errors: Error[] = [];
    const tracing = startTracing({
      serviceName: 'offline-agent',
      endpoint: `http://127.0.0.1:${port}`,
      shutdownOnExit: false,
      onExportError: (error) => errors.push(error),
    });

    const agentStartMs = performance.now();
    const answers: string[] = [];
    for (let i = 0; i < 50; i++) {
      answers.push(
        await traceAgentRun('offline-agent', async () => {
          await traceLlmCall({ model: 'gpt-4o-mini' }, (call) => call.setResponse({ inputTokens: 10, outputTokens: 5, finishReasons: ['tool_call'] }));
          const order = await traceToolCall('get_order', { order_id: `A${i}` }, () => ({ status: 'shipped' }));
          return `order ${order.status}`;
        }),
      );
    }
    const agentMs = performance.now() - agentStartMs;
    const flushStartMs = performance.now();
    await tracing.forceFlush();
    const flushMs = performance.now() - flushStartMs;
    const shutdownStartMs = performance.now();
    await tracing.shutdown();
    const shutdownMs = performance.now() - shutdownStartMs;

    console.log(`[instrument, endpoint down] 50 runs (150 spans): agent ${agentMs.toFixed(0)} ms; flush (retries until exportTimeoutMs) ${flushMs.toFixed(0)} ms; shutdown ${shutdownMs.toFixed(0)} ms; stats ${JSON.stringify(tracing.stats())}`);
    expect(answers).toHaveLength(50);
    expect(answers.every((answer) => answer === 'order shipped')).toBe(true);
    expect(tracing.stats().exportedSpans).toBe(0);
    expect(tracing.stats().failedSpans).toBeGreaterThan(0);
    expect(tracing.stats().lastError).toMatch(/ECONNREFUSED/);
    expect(errors).toHaveLength(1); // reported once per streak of failures, not per batch
  });
});
