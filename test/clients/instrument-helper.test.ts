import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, traceAgentRun, traceLlmCall, traceToolCall, type Tracing } from '../../instrument/index.js';
import { detectorsOf, startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * tracehound/instrument, exporting through the real OTLP/HTTP exporter to a real tracehound:
 * a small support agent that runs normally, loops, or swallows a tool error, and what the
 * service makes of each.
 */
let service: ClientTestService;
let tracing: Tracing;

beforeAll(async () => {
  service = await startClientTestService();
  tracing = startTracing({
    serviceName: 'helper-agents',
    endpoint: service.url,
    shutdownOnExit: false,
    maxContentChars: 2000,
    redact: (text) => text.replaceAll('Bob Smith', '[customer]'),
  });
});
afterAll(async () => {
  await tracing.shutdown();
  await service.stop();
});

type Mode = 'normal' | 'loop' | 'swallowed_error';

/** The agent under test: looks an order up (or searches the knowledge base in a loop) and answers. */
async function supportAgent(name: string, mode: Mode, question: string): Promise<{ traceId: string; answer: string }> {
  let traceId = '';
  const answer = await traceAgentRun(
    name,
    async (run) => {
      traceId = run.span.spanContext().traceId;
      const model = { model: 'gpt-4o-mini', provider: 'openai', messages: question };
      const turns = mode === 'loop' ? 5 : 1;
      let observation: unknown;
      for (let i = 0; i < turns; i++) {
        const tool = mode === 'loop' ? 'search_kb' : 'get_order';
        const args = mode === 'loop' ? { query: 'refund policy' } : { order_id: 'A1001' };
        await traceLlmCall(model, (call) =>
          call.setResponse({ inputTokens: 120, outputTokens: 18, finishReasons: ['tool_call'], toolCalls: [{ name: tool, arguments: args }] }),
        );
        observation = await traceToolCall(tool, args, () => {
          if (mode === 'loop') return { articles: [{ id: 'kb-7', title: 'Refunds' }] };
          if (mode === 'swallowed_error') return { error: 'OrderService unavailable: 503 Service Unavailable', order: null };
          return { order_id: 'A1001', status: 'shipped', carrier: 'DHL' };
        });
      }
      const text = mode === 'swallowed_error' ? 'Your order A1001 has shipped and arrives Friday.' : `Here is what I found: ${JSON.stringify(observation)}`;
      await traceLlmCall(
        { ...model, response: () => ({ inputTokens: 300, outputTokens: 25, finishReasons: ['stop'], text }) },
        () => text,
      );
      return text;
    },
    { input: question, conversationId: `conv-${name}` },
  );
  return { traceId, answer };
}

describe('tracehound/instrument to a real tracehound', () => {
  it('stores a normal run with its LLM and tool calls normalised, and flags nothing', async () => {
    const { traceId, answer } = await supportAgent('support-normal', 'normal', 'Where is order A1001?');
    expect(answer).toContain('shipped');
    await tracing.forceFlush();
    await service.analyze();
    const detail = await service.run(traceId);

    expect(detail.run).toMatchObject({ service: 'helper-agents', agent: 'support-normal', name: 'invoke_agent support-normal', llmCallCount: 2, toolCallCount: 1, errorCount: 0, inputTokens: 420, outputTokens: 43 });
    const tool = detail.spans.find((span) => span.kind === 'tool');
    expect(tool?.tool?.name).toBe('get_order');
    expect(JSON.parse(tool!.tool!.arguments!)).toEqual({ order_id: 'A1001' });
    expect(JSON.parse(tool!.tool!.result!)).toMatchObject({ status: 'shipped' });
    const llms = detail.spans.filter((span) => span.kind === 'llm');
    expect(llms.map((span) => span.llm?.finishReason).sort()).toEqual(['stop', 'tool_call']);
    expect(llms.every((span) => span.llm?.model === 'gpt-4o-mini')).toBe(true);
    expect(detail.flags).toEqual([]);
  });

  it('flags five identical knowledge-base searches in a row as a tool loop', async () => {
    const { traceId } = await supportAgent('support-loop', 'loop', 'What is the refund policy?');
    await tracing.forceFlush();
    await service.analyze();
    const detail = await service.run(traceId);
    expect(detail.run.toolCallCount).toBe(5);
    expect(detectorsOf(detail)).toContain('tool_loop');
  });

  it('flags a tool error payload the agent answered over as a silent failure', async () => {
    const { traceId } = await supportAgent('support-swallowed', 'swallowed_error', 'Where is order A1001?');
    await tracing.forceFlush();
    await service.analyze();
    const detail = await service.run(traceId);
    expect(detail.run.status).not.toBe('error');
    expect(detectorsOf(detail)).toEqual(['silent_failure']);
  });

  it('records a thrown tool error as an ERROR span with an exception event, and rethrows it', async () => {
    let traceId = '';
    await expect(
      traceAgentRun('support-crash', async (run) => {
        traceId = run.span.spanContext().traceId;
        await traceToolCall('refund', { order_id: 'A1001', amount: 20 }, () => {
          throw new RangeError('amount exceeds order total');
        });
      }),
    ).rejects.toThrow('amount exceeds order total');
    await tracing.forceFlush();
    const detail = await service.run(traceId);
    const tool = detail.spans.find((span) => span.kind === 'tool')!;
    expect(tool).toMatchObject({ status: 'error', statusMessage: 'amount exceeds order total' });
    expect(tool.attributes['error.type']).toBe('RangeError');
    expect(tool.events.map((event) => event.name)).toContain('exception');
    expect(detail.run.status).toBe('error');
  });

  it('passes captured content through the redaction hook and the size limit', async () => {
    let traceId = '';
    await traceAgentRun('support-content', async (run) => {
      traceId = run.span.spanContext().traceId;
      await traceToolCall('get_customer', { name: 'Bob Smith' }, () => ({ notes: 'x'.repeat(10_000) }));
    });
    await tracing.forceFlush();
    const tool = (await service.run(traceId)).spans.find((span) => span.kind === 'tool')!;
    expect(tool.tool?.arguments).toBe('{"name":"[customer]"}');
    expect(tool.tool!.result!.length).toBeLessThanOrEqual(2000);
    expect(tool.tool!.result).toMatch(/…\[truncated \d+ chars\]$/);
  });

  it('counts what it exported', () => {
    expect(tracing.stats()).toMatchObject({ failedSpans: 0, lastError: null });
    expect(tracing.stats().exportedSpans).toBeGreaterThanOrEqual(15);
  });
});
