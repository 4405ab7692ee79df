import { context, trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';

/** One step of an agent run: a model call or a tool call, in OpenTelemetry GenAI conventions. */
export type StepSpec =
  | {
      kind: 'llm';
      model?: string;
      durationMs: number;
      inputTokens?: number;
      outputTokens?: number;
      /** The assistant's text; '' for an empty answer. */
      text?: string;
      finishReason?: string;
      /** `gen_ai.input.messages` (GenAI parts form) and `gen_ai.system_instructions`, when given. */
      inputMessages?: unknown[];
      systemInstructions?: string;
      /** Tool calls the model asked for, in its output message. */
      toolCalls?: { id: string; name: string; arguments: unknown }[];
      cachedInputTokens?: number;
    }
  | {
      kind: 'tool';
      tool: string;
      args: string;
      result: string;
      durationMs: number;
      error?: boolean;
    };

export interface RunSpec {
  agent: string;
  /** Run start, epoch ms (backdated runs are fine: baselines use span time). */
  startMs: number;
  steps: StepSpec[];
  /** Extra attributes on the root (agent) span. */
  rootAttributes?: Record<string, string>;
  service?: string;
  /** Extra resource attributes (service.version, deployment.environment.name, …). */
  resource?: Record<string, string>;
}

/**
 * Sends runs through the real OpenTelemetry SDK (BasicTracerProvider) and the OTLP/HTTP
 * protobuf exporter to `tracesUrl`; resolves when every span has been exported. Returns the
 * trace ids in the order of `runs`.
 */
export async function sendRuns(tracesUrl: string, runs: RunSpec[]): Promise<string[]> {
  const byService = new Map<string, RunSpec[]>();
  for (const run of runs) {
    const key = JSON.stringify({ 'service.name': run.service ?? 'e2e-agents', ...run.resource });
    byService.set(key, [...(byService.get(key) ?? []), run]);
  }
  const traceIds = new Map<RunSpec, string>();
  for (const [resourceKey, serviceRuns] of byService) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(JSON.parse(resourceKey) as Record<string, string>),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }), { maxExportBatchSize: 512, scheduledDelayMillis: 50 })],
    });
    const tracer = provider.getTracer('tracehound-e2e');
    for (const run of serviceRuns) {
      let cursorMs = run.startMs;
      const totalMs = run.steps.reduce((sum, step) => sum + step.durationMs + 5, 10);
      const root = tracer.startSpan(`invoke_agent ${run.agent}`, {
        startTime: run.startMs,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': run.agent, ...run.rootAttributes },
      });
      const parent = trace.setSpan(context.active(), root);
      cursorMs += 5;
      for (const step of run.steps) {
        let span: Span;
        if (step.kind === 'llm') {
          const model = step.model ?? 'gpt-4o';
          span = tracer.startSpan(
            `chat ${model}`,
            {
              startTime: cursorMs,
              attributes: {
                'gen_ai.operation.name': 'chat',
                'gen_ai.provider.name': 'openai',
                'gen_ai.request.model': model,
                'gen_ai.response.model': model,
                'gen_ai.usage.input_tokens': step.inputTokens ?? 900,
                'gen_ai.usage.output_tokens': step.outputTokens ?? 120,
                'gen_ai.response.finish_reasons': [step.finishReason ?? 'stop'],
                'gen_ai.output.messages': JSON.stringify([
                  {
                    role: 'assistant',
                    parts: [
                      { type: 'text', content: step.text ?? 'Here is what I found.' },
                      ...(step.toolCalls ?? []).map((call) => ({ type: 'tool_call', ...call })),
                    ],
                    finish_reason: step.finishReason ?? 'stop',
                  },
                ]),
                ...(step.inputMessages !== undefined ? { 'gen_ai.input.messages': JSON.stringify(step.inputMessages) } : {}),
                ...(step.systemInstructions !== undefined ? { 'gen_ai.system_instructions': step.systemInstructions } : {}),
                ...(step.cachedInputTokens !== undefined ? { 'gen_ai.usage.cache_read.input_tokens': step.cachedInputTokens } : {}),
              },
            },
            parent,
          );
        } else {
          span = tracer.startSpan(
            `execute_tool ${step.tool}`,
            {
              startTime: cursorMs,
              attributes: {
                'gen_ai.operation.name': 'execute_tool',
                'gen_ai.tool.name': step.tool,
                'gen_ai.tool.call.arguments': step.args,
                'gen_ai.tool.call.result': step.result,
              },
            },
            parent,
          );
          if (step.error) span.setStatus({ code: SpanStatusCode.ERROR, message: step.result });
        }
        cursorMs += step.durationMs;
        span.end(cursorMs);
        cursorMs += 5;
      }
      root.end(run.startMs + totalMs);
      traceIds.set(run, root.spanContext().traceId);
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
  return runs.map((run) => traceIds.get(run)!);
}
