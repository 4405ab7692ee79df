import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';
import { generateText, jsonSchema, stepCountIs, tool as aiTool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { RunnableLambda, type RunnableConfig } from '@langchain/core/runnables';
import { tool as lcTool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { z } from 'zod';
import type { OtlpTraceRequest } from '../../model/otlp.js';
import { readableSpanToOtlp } from '../support/readable-span-to-otlp.js';
import type { HeldoutRun } from './render-dialects.js';

/**
 * Held-out runs made by real client libraries: the Vercel AI SDK (ai@6 `experimental_telemetry`,
 * MockLanguageModelV3) and LangChain.js through the OpenInference instrumentation (fake chat
 * model shaped like ChatOpenAI). The agents and tools are the held-out set's own.
 */

type Expected = HeldoutRun['expected'];
type Turn = { calls: { name: string; input: unknown }[] } | { text: string; finish?: 'stop' | 'length' | 'content-filter' };

const USAGE = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

function scriptedModel(turns: Turn[]) {
  let index = 0;
  return new MockLanguageModelV3({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-mini',
    doGenerate: async () => {
      const turn = turns[Math.min(index++, turns.length - 1)]!;
      if ('calls' in turn) {
        return {
          content: turn.calls.map((call, j) => ({ type: 'tool-call' as const, toolCallId: `call-${index}-${j}`, toolName: call.name, input: JSON.stringify(call.input) })),
          finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
          usage: USAGE(300 + index * 80, 18),
          warnings: [],
        };
      }
      return {
        content: turn.text === '' ? [] : [{ type: 'text' as const, text: turn.text }],
        finishReason: { unified: turn.finish ?? 'stop', raw: turn.finish ?? 'stop' },
        usage: USAGE(300 + index * 80, Math.max(1, Math.round(turn.text.length / 4))),
        warnings: [],
      };
    },
  });
}

type ToolImpl = (input: Record<string, unknown>, attempt: number) => unknown;

interface VercelScenario {
  scenario: string;
  expected: Expected;
  turns: Turn[];
  tools: Record<string, ToolImpl>;
  maxSteps?: number;
}

const call = (name: string, input: unknown): Turn => ({ calls: [{ name, input }] });

export const VERCEL_SCENARIOS: VercelScenario[] = [
  {
    scenario: 'sdk:normal_trip',
    expected: [],
    turns: [call('flight_search', { from: 'BER', to: 'LIS', date: '2026-12-03' }), call('book_hotel', { city: 'Lisbon', nights: 3 }), { text: 'Booked: LH1035 on 3 December and three nights at Hotel Alma (HX-55120).' }],
    tools: { flight_search: () => ({ itineraries: [{ flight: 'LH1035', price: 212 }] }), book_hotel: () => ({ confirmation: 'HX-55120' }) },
  },
  {
    scenario: 'sdk:loop_same_search',
    expected: ['tool_loop'],
    turns: [...Array.from({ length: 5 }, () => call('flight_search', { from: 'BER', to: 'OPO', date: '2026-12-24' })), { text: 'No flights on the 24th.' }],
    tools: { flight_search: () => ({ itineraries: [] }) },
  },
  {
    scenario: 'sdk:neg_retry_after_throw',
    expected: [],
    turns: [call('book_hotel', { city: 'Porto', nights: 2 }), call('book_hotel', { city: 'Porto', nights: 2 }), { text: 'Booked two nights in Porto (HX-7710).' }],
    tools: { book_hotel: (_input, attempt) => { if (attempt === 1) throw new Error('HotelProviderError: upstream timeout'); return { confirmation: 'HX-7710' }; } },
  },
  {
    scenario: 'sdk:masked_throw',
    expected: ['silent_failure'],
    turns: [call('flight_search', { from: 'BER', to: 'LIS' }), call('book_hotel', { city: 'Lisbon', nights: 3 }), { text: 'All set: flight LH1035 and three nights in Lisbon.' }],
    tools: { flight_search: () => ({ itineraries: [{ flight: 'LH1035' }] }), book_hotel: () => { throw new Error('PaymentRequired: card expired'); } },
  },
  {
    scenario: 'sdk:neg_throw_mentioned',
    expected: [],
    turns: [call('book_hotel', { city: 'Lisbon', nights: 3 }), { text: 'I could not book the hotel: the payment card on file has expired. Please update it and I will try again.' }],
    tools: { book_hotel: () => { throw new Error('PaymentRequired: card expired'); } },
  },
  {
    scenario: 'sdk:json_text_error_payload',
    expected: ['silent_failure'],
    turns: [call('post_message', { channel: '#deploys', text: 'done' }), { text: 'Posted to #deploys.' }],
    tools: { post_message: () => JSON.stringify({ ok: false, error: 'channel_not_found' }) },
  },
  {
    scenario: 'sdk:truncated_final',
    expected: ['silent_failure'],
    turns: [call('run_query', { sql: 'SELECT 1' }), { text: 'The quarterly numbers show that revenue', finish: 'length' }],
    tools: { run_query: () => ({ rows: [[1]] }) },
  },
  {
    scenario: 'sdk:filtered_final',
    expected: ['silent_failure'],
    turns: [{ text: '', finish: 'content-filter' }],
    tools: {},
  },
  {
    scenario: 'sdk:refusal',
    expected: ['silent_failure'],
    turns: [{ text: "Sorry, I can't share other customers' order details." }],
    tools: {},
  },
  {
    scenario: 'sdk:step_cap_mid_tools',
    expected: ['silent_failure'],
    maxSteps: 3,
    turns: [call('describe_table', { table: 'orders' }), call('describe_table', { table: 'customers' }), call('describe_table', { table: 'refunds' }), { text: 'never reached' }],
    tools: { describe_table: (input) => ({ table: input['table'], columns: ['id'] }) },
  },
  {
    scenario: 'sdk:neg_paging',
    expected: [],
    turns: [...[0, 100, 200, 300, 400].map((offset) => call('run_query', { sql: 'SELECT id FROM customers ORDER BY id', offset, limit: 100 })), { text: 'Exported 500 customers.' }],
    tools: { run_query: (input) => ({ rows: [[Number(input['offset']) + 1]], rowCount: 100 }) },
  },
  {
    scenario: 'sdk:failing_loop',
    expected: ['tool_loop'],
    turns: [...Array.from({ length: 4 }, () => call('kubectl_get', { resource: 'pods', namespace: 'paymnts' })), { text: 'I could not read the namespace; it does not seem to exist.' }],
    tools: { kubectl_get: () => { throw new Error('Error from server (NotFound): namespaces "paymnts" not found'); } },
  },
  {
    scenario: 'sdk:neg_polling_progress',
    expected: [],
    turns: [...Array.from({ length: 5 }, () => call('get_job_status', { job: 'deploy-7781' })), { text: 'The deploy finished.' }],
    tools: { get_job_status: (_input, attempt) => ({ state: attempt < 5 ? `running ${attempt * 20}%` : 'succeeded' }) },
  },
];

async function runVercel(scenario: VercelScenario, tracer: Tracer): Promise<void> {
  const attempts = new Map<string, number>();
  const tools = Object.fromEntries(
    Object.entries(scenario.tools).map(([name, impl]) => [
      name,
      aiTool({
        description: name,
        inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
        execute: async (input: Record<string, unknown>) => {
          const attempt = (attempts.get(name) ?? 0) + 1;
          attempts.set(name, attempt);
          return impl(input, attempt);
        },
      }),
    ]),
  );
  await generateText({
    model: scriptedModel(scenario.turns),
    prompt: 'Help me, please.',
    tools,
    stopWhen: stepCountIs(scenario.maxSteps ?? 12),
    experimental_telemetry: { isEnabled: true, functionId: 'sdk-concierge', tracer },
  });
}

/** ChatOpenAI-shaped fake model (tool calls in additional_kwargs, usage, model name). */
class ShapedFakeChatModel extends FakeListChatModel {
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

function reply(content: string, calls: { name: string; args: Record<string, unknown> }[] = []): AIMessage {
  const withIds = calls.map((item, j) => ({ ...item, id: `call_${j}_${item.name}` }));
  return new AIMessage({
    content,
    tool_calls: withIds.map((item) => ({ ...item, type: 'tool_call' as const })),
    additional_kwargs: withIds.length === 0 ? {} : { tool_calls: withIds.map((item) => ({ id: item.id, type: 'function' as const, function: { name: item.name, arguments: JSON.stringify(item.args) } })) },
    usage_metadata: { input_tokens: 400, output_tokens: 30, total_tokens: 430 },
    response_metadata: { finish_reason: withIds.length === 0 ? 'stop' : 'tool_calls', model_name: 'gpt-4o-mini-2024-07-18' },
  });
}

interface LangChainScenario {
  scenario: string;
  expected: Expected;
  replies: AIMessage[];
  /** Tool name → implementation returning the tool's string output (LangChain tools return text). */
  tools: Record<string, (args: Record<string, unknown>, attempt: number) => string>;
}

const browse = (selector: string) => reply('', [{ name: 'click', args: { selector } }]);

export const LANGCHAIN_SCENARIOS: LangChainScenario[] = [
  {
    scenario: 'lc:normal_browse',
    expected: [],
    replies: [reply('', [{ name: 'navigate', args: { url: 'https://example.com/pricing' } }]), reply('', [{ name: 'extract_text', args: { selector: 'main' } }]), reply('The Team plan is $29 per seat.')],
    tools: { navigate: () => JSON.stringify({ status: 200, title: 'Pricing' }), extract_text: () => 'Team $29/seat/month, Starter $9/month.' },
  },
  {
    scenario: 'lc:loop_click',
    expected: ['tool_loop'],
    replies: [...Array.from({ length: 5 }, () => browse('button.load-more')), reply('Only 20 items are visible.')],
    tools: { click: () => JSON.stringify({ clicked: true, items_visible: 20 }) },
  },
  {
    scenario: 'lc:error_text_result',
    expected: ['silent_failure'],
    replies: [reply('', [{ name: 'extract_text', args: { selector: '#price' } }]), reply('The price is 49 EUR.')],
    tools: { extract_text: () => 'TimeoutError: waiting for selector "#price" failed: timeout 5000ms exceeded' },
  },
  {
    scenario: 'lc:neg_clicks_differ',
    expected: [],
    replies: [...['#size-m', '#color-blue', '#add-to-cart', '#checkout'].map(browse), reply('The shirt is in your cart and checkout is open.')],
    tools: { click: () => JSON.stringify({ clicked: true }) },
  },
  {
    scenario: 'lc:neg_no_errors_found',
    expected: [],
    replies: [reply('', [{ name: 'read_logs', args: { service: 'checkout', level: 'error' } }]), reply('No errors in the checkout logs today.')],
    tools: { read_logs: () => 'No errors found in the last 24h (scanned 18,223 lines).' },
  },
  {
    scenario: 'lc:ended_on_tool',
    expected: ['silent_failure'],
    replies: [reply('', [{ name: 'navigate', args: { url: 'https://example.com' } }])],
    tools: { navigate: () => JSON.stringify({ status: 200 }) },
  },
];

async function runLangChain(scenario: LangChainScenario): Promise<void> {
  const attempts = new Map<string, number>();
  const model = new ShapedFakeChatModel(scenario.replies);
  const tools = Object.fromEntries(
    Object.entries(scenario.tools).map(([name, impl]) => [
      name,
      lcTool(
        async (args: Record<string, unknown>) => {
          const attempt = (attempts.get(name) ?? 0) + 1;
          attempts.set(name, attempt);
          return impl(args, attempt);
        },
        { name, description: name, schema: z.object({}).passthrough() },
      ),
    ]),
  );
  const agent = RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
    const messages: BaseMessage[] = [new HumanMessage(question)];
    for (let step = 0; step < scenario.replies.length; step++) {
      const answer = await model.invoke(messages, config);
      messages.push(answer);
      if ((answer.tool_calls ?? []).length === 0) return answer.content;
      for (const item of answer.tool_calls!) {
        const output = await tools[item.name]!.invoke(item.args, config);
        messages.push(new ToolMessage({ content: String(output), tool_call_id: item.id! }));
      }
    }
    return '';
  }).withConfig({ runName: 'browser-agent' });
  await agent.invoke('Help me, please.');
}

/** Finished spans grouped into one OTLP request per trace. */
function requestsByTrace(exporter: InMemorySpanExporter): Map<string, OtlpTraceRequest> {
  const out = new Map<string, OtlpTraceRequest>();
  for (const readable of exporter.getFinishedSpans()) {
    const { span, resource, scope } = readableSpanToOtlp(readable);
    let request = out.get(span.traceId);
    if (request === undefined) out.set(span.traceId, (request = { resourceSpans: [{ resource, scopeSpans: [{ scope, spans: [] }] }] }));
    request.resourceSpans[0]!.scopeSpans[0]!.spans.push(span);
  }
  return out;
}

/** Runs every SDK scenario once; each becomes one labelled run. */
export async function sdkRuns(exporter: InMemorySpanExporter, tracer: Tracer): Promise<HeldoutRun[]> {
  const out: HeldoutRun[] = [];
  const collect = (scenario: string, dialect: string, expected: Expected) => {
    const requests = requestsByTrace(exporter);
    exporter.reset();
    for (const [traceId, request] of requests) out.push({ traceId, scenario, dialect: dialect as HeldoutRun['dialect'], expected, request });
  };
  for (const scenario of VERCEL_SCENARIOS) {
    await runVercel(scenario, tracer);
    collect(scenario.scenario, 'vercel-ai', scenario.expected);
  }
  for (const scenario of LANGCHAIN_SCENARIOS) {
    await runLangChain(scenario);
    collect(scenario.scenario, 'openinference', scenario.expected);
  }
  return out;
}
