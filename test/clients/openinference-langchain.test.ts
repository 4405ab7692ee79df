import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { detectorsOf, startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * LangChain.js through the real OpenInference instrumentation, exported over OTLP/HTTP to a real
 * tracehound: a research "agent" (a named runnable) drives a fake chat model shaped like
 * ChatOpenAI and a `search` tool; it answers normally, loops, or answers over an error payload.
 */
let service: ClientTestService;
let provider: NodeTracerProvider;
let instrumentation: LangChainInstrumentation;

beforeAll(async () => {
  service = await startClientTestService();
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'langchain-agents' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${service.url}/v1/traces` }))],
  });
  provider.register();
  instrumentation = new LangChainInstrumentation({ tracerProvider: provider });
  instrumentation.manuallyInstrument(CallbackManagerModule);
});
afterAll(async () => {
  instrumentation.disable();
  await provider.shutdown();
  await service.stop();
});

/** FakeListChatModel answering with ChatOpenAI's message shape (tool calls, usage, model name). */
class OpenAiShapedFakeChatModel extends FakeListChatModel {
  constructor(private readonly replies: AIMessage[]) {
    super({ responses: replies.map((reply) => String(reply.content)) });
  }

  override invocationParams() {
    return { model_name: 'gpt-4o-mini' } as ReturnType<FakeListChatModel['invocationParams']>;
  }

  override async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const message = this.replies[this.i++ % this.replies.length]!;
    return { generations: [{ text: String(message.content), message }] };
  }
}

function reply(content: string, search?: string): AIMessage {
  const toolCalls = search === undefined ? [] : [{ id: `call-${Math.random().toString(16).slice(2, 8)}`, name: 'search', args: { query: search } }];
  return new AIMessage({
    content,
    tool_calls: toolCalls.map((call) => ({ ...call, type: 'tool_call' as const })),
    additional_kwargs:
      toolCalls.length === 0 ? {} : { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.args) } })) },
    usage_metadata: { input_tokens: 70, output_tokens: 15, total_tokens: 85 },
    response_metadata: { finish_reason: toolCalls.length === 0 ? 'stop' : 'tool_calls', model_name: 'gpt-4o-mini-2024-07-18' },
  });
}

/** Runs the agent: `searches` search turns (same query), then the final answer. */
async function researchAgent(runName: string, searches: number, searchResult: string, answer: string): Promise<string> {
  const search = tool(async () => searchResult, { name: 'search', description: 'Web search', schema: z.object({ query: z.string() }) });
  const model = new OpenAiShapedFakeChatModel([...Array.from({ length: searches }, () => reply('', 'CRDT concurrent edits')), reply(answer)]);
  const agent = RunnableLambda.from(async (question: string, config) => {
    const messages: BaseMessage[] = [new HumanMessage(question)];
    for (;;) {
      const message = await model.invoke(messages, config);
      messages.push(message);
      const call = message.tool_calls?.[0];
      if (call === undefined) return String(message.content);
      const observation = await search.invoke(call.args as { query: string }, config);
      messages.push(new ToolMessage({ content: String(observation), tool_call_id: call.id! }));
    }
  }).withConfig({ runName });
  const text = await agent.invoke('How do CRDTs handle concurrent edits?');
  await provider.forceFlush();
  return text;
}

describe('OpenInference (LangChain.js) to a real tracehound', () => {
  it('stores a normal run with its LLM and tool calls normalised, and flags nothing', async () => {
    const text = await researchAgent('research-normal', 1, '{"results":[{"title":"CRDTs explained"}]}', 'CRDTs merge concurrent edits deterministically.');
    expect(text).toBe('CRDTs merge concurrent edits deterministically.');
    await service.analyze();
    const detail = await service.runNamed('research-normal');
    expect(detail.run).toMatchObject({ service: 'langchain-agents', llmCallCount: 2, toolCallCount: 1, inputTokens: 140, outputTokens: 30 });
    const tool = detail.spans.find((span) => span.kind === 'tool');
    expect(tool?.tool?.name).toBe('search');
    expect(tool?.tool?.arguments).toContain('CRDT concurrent edits');
    expect(detail.flags).toEqual([]);
  });

  it('flags five identical searches in a row as a tool loop', async () => {
    await researchAgent('research-loop', 5, '{"results":[{"title":"CRDTs explained"}]}', 'CRDTs merge concurrent edits.');
    await service.analyze();
    const detail = await service.runNamed('research-loop');
    expect(detail.run.toolCallCount).toBe(5);
    expect(detectorsOf(detail)).toContain('tool_loop');
  });

  it('flags an answer given over a tool error payload as a silent failure', async () => {
    await researchAgent('research-swallowed', 1, 'Error: search backend returned 503 Service Unavailable', 'CRDTs merge concurrent edits.');
    await service.analyze();
    const detail = await service.runNamed('research-swallowed');
    expect(detectorsOf(detail)).toEqual(['silent_failure']);
  });
});
