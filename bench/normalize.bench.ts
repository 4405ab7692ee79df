/**
 * Normalisation cost per span on the ingest hot path (model/normalize/normalize-span.ts).
 * Prints ns/span for each dialect's typical spans, a realistic mix, and a worst case with a
 * large `gen_ai.output.messages` JSON string (parsed once).
 */
import { normalizeSpan } from '../model/normalize/normalize-span.js';
import type { Attributes, OtlpSpan } from '../model/otlp.js';

function span(name: string, attributes: Attributes, parentSpanId: string | null = '00f067aa0ba902b7'): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId,
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_001_250_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
}

const prompt = JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? '.repeat(20) }] }]);
const CASES: Record<string, OtlpSpan> = {
  'vercel ai.generateText.doGenerate': span('ai.generateText.doGenerate', {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.telemetry.functionId': 'my-agent',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o',
    'ai.prompt.messages': prompt,
    'ai.response.finishReason': 'tool-calls',
    'ai.response.toolCalls': '[{"toolCallType":"function","toolCallId":"c1","toolName":"weather","input":"{\\"city\\":\\"Paris\\"}"}]',
    'ai.usage.inputTokens': 120,
    'ai.usage.outputTokens': 18,
    'gen_ai.system': 'openai.chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
  }),
  'vercel ai.toolCall': span('ai.toolCall', {
    'ai.operationId': 'ai.toolCall',
    'ai.telemetry.functionId': 'my-agent',
    'ai.toolCall.name': 'weather',
    'ai.toolCall.args': '{"city":"Paris"}',
    'ai.toolCall.result': '{"temperature":22}',
  }),
  'otel chat (2 KB output messages)': span('chat gpt-4o', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 812,
    'gen_ai.usage.output_tokens': 64,
    'gen_ai.input.messages': prompt,
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny, 22 °C. '.repeat(140) }], finish_reason: 'stop' }]),
  }),
  'openinference LLM': span('ChatOpenAI', {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-mini',
    'llm.token_count.prompt': 54,
    'llm.token_count.completion': 9,
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Hi there!',
    'output.value': '{"generations":[]}',
    'output.mime_type': 'application/json',
    'session.id': 's1',
  }),
  'openllmetry tool': span('search.tool', {
    'traceloop.span.kind': 'tool',
    'traceloop.entity.name': 'search',
    'traceloop.entity.input': '{"args":[],"kwargs":{"query":"paris"}}',
    'traceloop.entity.output': '{"results":[]}',
    'traceloop.workflow.name': 'plan_trip',
  }),
  'plain HTTP span': span('GET /users/12345/orders', { 'http.request.method': 'GET', 'url.path': '/users/12345/orders' }),
};
const WORST = span('chat gpt-4o', {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'x'.repeat(200_000) }] }]),
});
const RESOURCE = { 'service.name': 'bench' };
const SCOPE = { name: 'bench', version: '1' };

function nsPerSpan(spans: OtlpSpan[], iterations: number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 2000); i++) sink += normalizeSpan(spans[i % spans.length]!, RESOURCE, SCOPE).durationMs;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += normalizeSpan(spans[i % spans.length]!, RESOURCE, SCOPE).durationMs;
  const elapsed = Number(process.hrtime.bigint() - start);
  if (sink < 0) console.log(sink);
  return elapsed / iterations;
}

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const iterations = quick ? 20_000 : 200_000;
  for (const [label, s] of Object.entries(CASES)) console.log(`${label.padEnd(40)} ${nsPerSpan([s], iterations).toFixed(0).padStart(8)} ns/span`);
  console.log(`${'mix of the above'.padEnd(40)} ${nsPerSpan(Object.values(CASES), iterations).toFixed(0).padStart(8)} ns/span`);
  console.log(`${'worst: 200 KB output messages'.padEnd(40)} ${nsPerSpan([WORST], quick ? 200 : 2000).toFixed(0).padStart(8)} ns/span`);
}
