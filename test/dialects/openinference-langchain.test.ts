import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureSpans } from './capture-spans.js';

/**
 * LangChain's FakeListChatModel, answering with the message shape ChatOpenAI produces: OpenAI
 * tool calls in `additional_kwargs`, `usage_metadata`, and the model in its invocation params
 * (where the OpenInference instrumentation reads them).
 */
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

function openAiReply(content: string, toolCalls: Array<{ id: string; name: string; args: Record<string, unknown> }>, usage: [number, number]): AIMessage {
  return new AIMessage({
    content,
    tool_calls: toolCalls.map((call) => ({ ...call, type: 'tool_call' as const })),
    additional_kwargs:
      toolCalls.length === 0
        ? {}
        : { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.args) } })) },
    usage_metadata: { input_tokens: usage[0], output_tokens: usage[1], total_tokens: usage[0] + usage[1] },
    response_metadata: { finish_reason: toolCalls.length === 0 ? 'stop' : 'tool_calls', model_name: 'gpt-4o-mini-2024-07-18' },
  });
}

/**
 * OpenInference through its real LangChain.js instrumentation: a LangChain "agent" (a runnable
 * named weather-agent) asks a fake chat model, which requests the `weather` tool, runs the tool,
 * then asks a second fake model for the final answer.
 */
describe('OpenInference LangChain instrumentation, normalised', () => {
  const capture = captureSpans('langchain-service');
  const instrumentation = new LangChainInstrumentation({ tracerProvider: capture.provider });
  instrumentation.manuallyInstrument(CallbackManagerModule);
  afterAll(async () => {
    instrumentation.disable();
    await capture.provider.shutdown();
  });

  it('maps chat model runs to LLM calls and the tool run to a tool call with arguments and result', async () => {
    const weather = tool(async ({ city }: { city: string }) => JSON.stringify({ city, temperatureC: 22 }), {
      name: 'weather',
      description: 'Current weather of a city',
      schema: z.object({ city: z.string() }),
    });
    const model = new OpenAiShapedFakeChatModel([
      openAiReply('', [{ id: 'call-1', name: 'weather', args: { city: 'Paris' } }], [50, 10]),
      openAiReply('It is 22 degrees in Paris.', [], [80, 12]),
    ]);

    const agent = RunnableLambda.from(async (question: string, config) => {
      const first = await model.invoke([new HumanMessage(question)], config);
      const call = first.tool_calls![0]!;
      const observation = await weather.invoke(call.args as { city: string }, config);
      const final = await model.invoke([new HumanMessage(question), first, new ToolMessage({ content: String(observation), tool_call_id: call.id! })], config);
      return final.content;
    }).withConfig({ runName: 'weather-agent', metadata: { session_id: 'lc-session-1' } });

    expect(await agent.invoke('What is the weather in Paris?')).toBe('It is 22 degrees in Paris.');

    const spans = capture.normalized();
    const llmCalls = spans.filter((s) => s.kind === 'llm');
    expect(llmCalls).toHaveLength(2);
    const [first, second] = [...llmCalls].sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
    expect(first!.llm).toMatchObject({ model: 'gpt-4o-mini', inputTokens: 50, outputTokens: 10, finishReason: 'tool_call', outputText: '', toolCallNames: ['weather'] });
    expect(second!.llm).toMatchObject({ model: 'gpt-4o-mini', inputTokens: 80, outputTokens: 12, finishReason: 'stop', outputText: 'It is 22 degrees in Paris.', toolCallNames: [] });
    expect(second!.operation).toBe('llm:gpt-4o-mini');
    expect(second!.sessionId).toBe('lc-session-1');
    expect(first!.service).toBe('langchain-service');

    const tools = spans.filter((s) => s.kind === 'tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]!.tool?.name).toBe('weather');
    expect(tools[0]!.operation).toBe('tool:weather');
    expect(tools[0]!.tool?.arguments).toContain('Paris');
    expect(tools[0]!.tool?.result).toContain('temperatureC');

    const root = spans.find((s) => s.parentSpanId === null);
    expect(root).toMatchObject({ name: 'weather-agent', kind: 'other', llm: null });
  });
});
