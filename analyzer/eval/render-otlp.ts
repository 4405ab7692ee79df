import type { Attributes, OtlpEvent, OtlpResourceSpans, OtlpSpan } from '../../model/otlp.js';
import type { AbstractRun, LlmStep, ToolStep } from './run-model.js';
import type { Random } from '../../model/seeded-random.js';

/**
 * Renders an abstract run as the OTLP spans a real instrumentation of its dialect emits, with
 * that dialect's real attribute keys (CONVENTIONS.md §4.2–4.7):
 * - otel-genai: `invoke_agent {agent}` → `chat {model}` / `execute_tool {tool}` (gen_ai.*).
 * - openinference: AGENT → LLM / TOOL spans (openinference.span.kind, llm.*, tool.name, input/output.value).
 * - vercel-ai (ai ≤ v6): `ai.generateText` → `ai.generateText.doGenerate` / `ai.toolCall` (ai.*, gen_ai.* mix).
 * - openllmetry: `{workflow}.workflow` → `openai.chat` / `{tool}.tool` (traceloop.*, gen_ai.prompt/completion.*).
 */

const NS = 1_000_000n;

function ns(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function span(run: AbstractRun, spanId: string, parentSpanId: string | null, name: string, kind: number, startMs: number, endMs: number, attributes: Attributes, error?: string, exception?: { type: string; message: string }): OtlpSpan {
  const events: OtlpEvent[] = exception
    ? [{ name: 'exception', timeUnixNano: ns(endMs) - NS, attributes: { 'exception.type': exception.type, 'exception.message': exception.message } }]
    : [];
  return {
    traceId: run.traceId,
    spanId,
    parentSpanId,
    traceState: '',
    name,
    kind,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    attributes,
    droppedAttributesCount: 0,
    events,
    links: [],
    statusCode: error !== undefined ? 2 : 0,
    statusMessage: error ?? '',
  };
}

function llmAttributes(run: AbstractRun, step: LlmStep, random: Random): { name: string; kind: number; attributes: Attributes } {
  const provider = step.model.startsWith('claude') ? 'anthropic' : 'openai';
  switch (run.dialect) {
    case 'otel-genai': {
      const parts: unknown[] = [];
      if (step.text !== '' || step.toolCalls.length === 0) parts.push({ type: 'text', content: step.text });
      for (const call of step.toolCalls) parts.push({ type: 'tool_call', id: `call_${random.hex(6)}`, name: call.name, arguments: call.args });
      return {
        name: `chat ${step.model}`,
        kind: 3,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': provider,
          'gen_ai.request.model': step.model,
          'gen_ai.response.model': `${step.model}-2024-08-06`,
          'gen_ai.usage.input_tokens': step.inputTokens,
          'gen_ai.usage.output_tokens': step.outputTokens,
          'gen_ai.response.finish_reasons': [provider === 'anthropic' ? ({ stop: 'end_turn', tool_call: 'tool_use', length: 'max_tokens', content_filter: 'content_filter' } as const)[step.finishReason] : ({ stop: 'stop', tool_call: 'tool_calls', length: 'length', content_filter: 'content_filter' } as const)[step.finishReason]],
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts, finish_reason: step.finishReason }]),
        },
      };
    }
    case 'openinference': {
      const attributes: Attributes = {
        'openinference.span.kind': 'LLM',
        'llm.model_name': step.model,
        'llm.provider': provider,
        'llm.token_count.prompt': step.inputTokens,
        'llm.token_count.completion': step.outputTokens,
        'llm.token_count.total': step.inputTokens + step.outputTokens,
        'llm.finish_reason': step.finishReason === 'tool_call' ? 'tool_calls' : step.finishReason,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': step.text,
        'output.value': step.text,
        'output.mime_type': 'text/plain',
      };
      step.toolCalls.forEach((call, index) => {
        attributes[`llm.output_messages.0.message.tool_calls.${index}.tool_call.function.name`] = call.name;
        attributes[`llm.output_messages.0.message.tool_calls.${index}.tool_call.function.arguments`] = json(call.args);
      });
      return { name: 'ChatOpenAI', kind: 1, attributes };
    }
    case 'vercel-ai': {
      const attributes: Attributes = {
        'ai.operationId': 'ai.generateText.doGenerate',
        'operation.name': `ai.generateText.doGenerate ${run.agent}`,
        'ai.telemetry.functionId': run.agent,
        'ai.model.id': step.model,
        'ai.model.provider': `${provider}.chat`,
        'ai.response.finishReason': ({ stop: 'stop', tool_call: 'tool-calls', length: 'length', content_filter: 'content-filter' } as const)[step.finishReason],
        'ai.usage.promptTokens': step.inputTokens,
        'ai.usage.completionTokens': step.outputTokens,
        'gen_ai.system': `${provider}.chat`,
        'gen_ai.request.model': step.model,
        'gen_ai.usage.input_tokens': step.inputTokens,
        'gen_ai.usage.output_tokens': step.outputTokens,
      };
      if (step.toolCalls.length > 0) {
        attributes['ai.response.toolCalls'] = JSON.stringify(
          step.toolCalls.map((call) => ({ toolCallType: 'function', toolCallId: `call_${random.hex(6)}`, toolName: call.name, args: json(call.args) })),
        );
      }
      attributes['ai.response.text'] = step.text;
      return { name: 'ai.generateText.doGenerate', kind: 3, attributes };
    }
    case 'openllmetry': {
      const attributes: Attributes = {
        'llm.request.type': 'chat',
        'gen_ai.system': provider === 'openai' ? 'openai' : 'Anthropic',
        'gen_ai.request.model': step.model,
        'gen_ai.response.model': step.model,
        'gen_ai.usage.prompt_tokens': step.inputTokens,
        'gen_ai.usage.completion_tokens': step.outputTokens,
        'llm.usage.total_tokens': step.inputTokens + step.outputTokens,
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': step.finishReason === 'tool_call' ? 'tool_calls' : step.finishReason,
        'gen_ai.completion.0.content': step.text,
      };
      step.toolCalls.forEach((call, index) => {
        attributes[`gen_ai.completion.0.tool_calls.${index}.name`] = call.name;
        attributes[`gen_ai.completion.0.tool_calls.${index}.arguments`] = json(call.args);
      });
      return { name: provider === 'openai' ? 'openai.chat' : 'anthropic.chat', kind: 3, attributes };
    }
  }
}

function toolAttributes(run: AbstractRun, step: ToolStep, random: Random): { name: string; kind: number; attributes: Attributes } {
  const recorded = step.result !== undefined && step.error === undefined;
  switch (run.dialect) {
    case 'otel-genai':
      return {
        name: `execute_tool ${step.name}`,
        kind: 1,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': step.name,
          'gen_ai.tool.call.id': `call_${random.hex(6)}`,
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.arguments': json(step.args),
          ...(recorded ? { 'gen_ai.tool.call.result': json(step.result) } : {}),
        },
      };
    case 'openinference':
      return {
        name: step.name,
        kind: 1,
        attributes: {
          'openinference.span.kind': 'TOOL',
          'tool.name': step.name,
          'input.value': json(step.args),
          'input.mime_type': 'application/json',
          ...(recorded ? { 'output.value': json(step.result), 'output.mime_type': typeof step.result === 'string' ? 'text/plain' : 'application/json' } : {}),
        },
      };
    case 'vercel-ai':
      return {
        name: 'ai.toolCall',
        kind: 1,
        attributes: {
          'ai.operationId': 'ai.toolCall',
          'operation.name': `ai.toolCall ${run.agent}`,
          'ai.telemetry.functionId': run.agent,
          'ai.toolCall.name': step.name,
          'ai.toolCall.id': `call_${random.hex(6)}`,
          'ai.toolCall.args': json(step.args),
          ...(recorded ? { 'ai.toolCall.result': json(step.result) } : {}),
        },
      };
    case 'openllmetry':
      return {
        name: `${step.name}.tool`,
        kind: 1,
        attributes: {
          'traceloop.span.kind': 'tool',
          'traceloop.entity.name': step.name,
          'traceloop.workflow.name': run.agent,
          'traceloop.entity.input': typeof step.args === 'string' ? `{"args": [], "kwargs": ${step.args}}` : JSON.stringify({ args: [], kwargs: step.args }),
          ...(recorded ? { 'traceloop.entity.output': json(step.result) } : {}),
        },
      };
  }
}

function rootAttributes(run: AbstractRun, finalText: string): { name: string; kind: number; attributes: Attributes } {
  switch (run.dialect) {
    case 'otel-genai':
      return { name: `invoke_agent ${run.agent}`, kind: 1, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': run.agent, 'gen_ai.provider.name': 'openai' } };
    case 'openinference':
      return { name: run.agent, kind: 1, attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': run.agent, 'input.value': 'user question', 'output.value': finalText } };
    case 'vercel-ai':
      return { name: 'ai.generateText', kind: 1, attributes: { 'ai.operationId': 'ai.generateText', 'operation.name': `ai.generateText ${run.agent}`, 'ai.telemetry.functionId': run.agent, 'resource.name': run.agent, 'ai.response.text': finalText } };
    case 'openllmetry':
      return { name: `${run.agent}.workflow`, kind: 1, attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': run.agent, 'traceloop.workflow.name': run.agent, 'traceloop.entity.output': JSON.stringify(finalText) } };
  }
}

/** The OTLP ResourceSpans of one run (spans in end order, as an SDK exports them). */
export function renderRun(run: AbstractRun, random: Random): OtlpResourceSpans {
  const rootId = random.hex(8);
  const spans: OtlpSpan[] = [];
  let t = run.startMs + 5;
  let finalText = '';
  for (const step of run.steps) {
    const start = t;
    const end = start + step.durationMs;
    const rendered = step.type === 'llm' ? llmAttributes(run, step, random) : toolAttributes(run, step, random);
    if (step.type === 'llm') finalText = step.text;
    spans.push(span(run, random.hex(8), rootId, rendered.name, rendered.kind, start, end, rendered.attributes, step.error, step.exception));
    t = end + run.gapMs;
  }
  const root = rootAttributes(run, finalText);
  spans.push(span(run, rootId, null, root.name, root.kind, run.startMs, t, root.attributes, run.rootError));
  const scope = { otelgenai: 'my-agent', openinference: '@arizeai/openinference-instrumentation-langchain', 'vercel-ai': 'ai', openllmetry: 'traceloop' }[run.dialect.replace('-', '')] ?? run.dialect;
  return {
    resource: { 'service.name': run.service, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry' },
    scopeSpans: [{ scope: { name: scope, version: '1.0.0' }, spans }],
  };
}
