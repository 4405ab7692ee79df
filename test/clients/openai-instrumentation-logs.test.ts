import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, trace } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type { Flag, Run } from '../../model/api.js';
import { startTestService, type TestService } from '../collector/support/test-service.js';

/**
 * The real `openai` client (6.30.1) under @opentelemetry/instrumentation-openai 0.21.0, offline:
 * a custom `fetch` answers with canned chat completions. The instrumentation puts the prompt and
 * the answer only in log events (gen_ai.user.message, gen_ai.choice); spans go over OTLP/gRPC,
 * logs over OTLP/HTTP protobuf. The run's answer must appear, and a silent failure in it
 * (empty answer, truncated answer) must be flagged.
 */
let service: TestService;
let tracerProvider: NodeTracerProvider;
let loggerProvider: LoggerProvider;
let instrumentation: OpenAIInstrumentation;
type OpenAIClient = {
  chat: { completions: { create(body: unknown): Promise<{ choices: { message: { content: string | null } }[] }> } };
};
let OpenAI: new (options: { apiKey: string; baseURL: string; fetch: typeof fetch; maxRetries: number }) => OpenAIClient;

beforeAll(async () => {
  service = await startTestService();
  tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'openai-support-bot' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${service.grpcPort}` }))],
  });
  tracerProvider.register(); // the AsyncLocalStorage context manager: the chat span is the agent span's child
  loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'openai-support-bot' }),
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${service.url}/v1/logs` }) })],
  });
  instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setLoggerProvider(loggerProvider);
  instrumentation.enable();
  // The instrumentation patches CommonJS `require`: load the client through it, after enable().
  OpenAI = createRequire(import.meta.url)('openai').OpenAI;
});
afterAll(async () => {
  instrumentation?.disable();
  await tracerProvider?.shutdown();
  await loggerProvider?.shutdown();
  await service?.stop();
});

/** A fetch that never leaves the process: one canned chat completion. */
function cannedFetch(content: string, finishReason: 'stop' | 'length'): typeof fetch {
  return (async () =>
    new Response(
      JSON.stringify({
        id: 'chatcmpl-offline',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, finish_reason: finishReason, logprobs: null, message: { role: 'assistant', content, refusal: null } }],
        usage: { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    )) as typeof fetch;
}

/** One agent run: an invoke_agent span around one chat completion. Returns the trace id. */
async function runAgent(answer: string, finishReason: 'stop' | 'length'): Promise<string> {
  const client = new OpenAI({ apiKey: 'sk-offline', baseURL: 'http://offline.invalid/v1', fetch: cannedFetch(answer, finishReason), maxRetries: 0 });
  const tracer = tracerProvider.getTracer('support-bot');
  const root = tracer.startSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-bot' } });
  await context.with(trace.setSpan(context.active(), root), () =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my parcel 1234?' }] }),
  );
  root.end();
  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  return root.spanContext().traceId;
}

async function analyzedRun(traceId: string): Promise<{ run: Run; flags: Flag[] }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const analyzed = (await (await fetch(`${service.url}/api/analyze`, { method: 'POST' })).json()) as { analyzed: number };
    const body = (await (await fetch(`${service.url}/api/runs/${traceId}`)).json()) as { run: Run; flags: Flag[] };
    const joined = service.db.prepare('SELECT COUNT(*) AS events, SUM(joined) AS joined FROM log_records WHERE trace_id = ? AND genai = 1').get(traceId) as { events: number; joined: number };
    if ((body.run?.analyzed && joined.events > 0 && joined.joined === joined.events && analyzed.analyzed === 0) || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('@opentelemetry/instrumentation-openai with the real openai client (content only in log events)', () => {
  it('shows the run\'s answer, which the span alone does not carry', async () => {
    const traceId = await runAgent('Your parcel 1234 arrives tomorrow.', 'stop');
    const { run, flags } = await analyzedRun(traceId);
    const chatRow = service.db.prepare("SELECT attributes FROM spans WHERE trace_id = ? AND kind = 'llm'").get(traceId) as { attributes: string };
    expect(JSON.parse(chatRow.attributes)['tracehound.content_from_events']).toEqual(expect.arrayContaining(['gen_ai.input.messages', 'gen_ai.output.messages']));
    expect(run.output).toBe('Your parcel 1234 arrives tomorrow.');
    expect(flags.filter((flag) => flag.detector === 'silent_failure')).toEqual([]);
  });

  it('flags an empty answer as a silent failure', async () => {
    const traceId = await runAgent('', 'stop');
    const { flags } = await analyzedRun(traceId);
    expect(flags.map((flag) => [flag.detector, flag.evidence['rule']])).toContainEqual(['silent_failure', 'empty_answer']);
  });

  it('flags a truncated answer (finish_reason length) as a silent failure, with the answer\'s tail as evidence', async () => {
    const traceId = await runAgent('Your parcel 1234 is currently held at the', 'length');
    const { flags } = await analyzedRun(traceId);
    const flag = flags.find((candidate) => candidate.detector === 'silent_failure');
    expect(flag?.evidence).toMatchObject({ rule: 'truncated_answer', answerTail: 'Your parcel 1234 is currently held at the' });
  });
});
