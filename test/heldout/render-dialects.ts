import type { AttributeValue, Attributes, OtlpEvent, OtlpSpan, OtlpTraceRequest } from '../../model/otlp.js';

/**
 * Held-out runs, written independently of analyzer/eval: an agent run as a list of steps, and
 * how each telemetry dialect puts it on the wire (attribute shapes as the libraries emit them).
 */
export type Dialect = 'otel-genai' | 'otel-legacy' | 'mcp' | 'openinference' | 'openllmetry' | 'vercel-ai';
export const DIALECTS: readonly Dialect[] = ['otel-genai', 'otel-legacy', 'mcp', 'openinference', 'openllmetry', 'vercel-ai'];

export interface ModelStep {
  type: 'model';
  text: string;
  /** Tools the model asks for in this turn. */
  calls?: { name: string; args: unknown }[];
  /** Raw finish reason as the provider spelled it; default stop / tool call. */
  finish?: string;
  outputTokens?: number;
  ms: number;
}

export interface ToolStep {
  type: 'tool';
  name: string;
  args: unknown;
  /** Object results are JSON (or a structured AnyValue); strings are plain text; undefined: not captured. */
  result?: unknown;
  ms: number;
  /** The span's status is ERROR with this message. */
  error?: string;
  /** An auto-instrumented HTTP client span under the tool answered with this status (≥ 400: ERROR). */
  httpStatus?: number;
  /** An exception event on the span (status as given). */
  exception?: { type: string; message: string };
}

export type Step = ModelStep | ToolStep;

export interface Plan {
  scenario: string;
  expected: ('silent_failure' | 'tool_loop' | 'latency_spike')[];
  agent: string;
  service: string;
  model: string;
  steps: Step[];
  startMs: number;
  /** The root span is ERROR with this message (a loud failure). */
  rootError?: string;
  /** What the agent/workflow span reports as the run's output (e.g. an executor's give-up string). */
  rootOutput?: string;
  /** Each tool call makes an auto-instrumented HTTP client span (`GET`) under its span. */
  httpChildren?: boolean;
  /** Milliseconds between steps (agent bookkeeping). */
  gapMs?: number;
}

export interface HeldoutRun {
  traceId: string;
  scenario: string;
  dialect: Dialect;
  expected: Plan['expected'];
  request: OtlpTraceRequest;
}

let counter = 0;
function hex(length: number): string {
  counter++;
  return `e${counter.toString(16).padStart(length - 1, '0')}`;
}

const ns = (ms: number) => BigInt(Math.round(ms * 1000)) * 1000n;

function span(traceId: string, parent: string | null, name: string, startMs: number, endMs: number, attributes: Attributes, extra: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId,
    spanId: hex(16),
    parentSpanId: parent,
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    attributes,
    droppedAttributesCount: 0,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    ...extra,
  };
}

function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function finishOf(step: ModelStep, dialect: Dialect): string {
  if (step.finish !== undefined) return step.finish;
  const calls = (step.calls?.length ?? 0) > 0;
  switch (dialect) {
    case 'vercel-ai':
      return calls ? 'tool-calls' : 'stop';
    case 'otel-legacy':
      return calls ? 'tool_use' : 'end_turn';
    case 'openllmetry':
      return calls ? 'tool_calls' : 'stop';
    default:
      return calls ? 'tool_call' : 'stop';
  }
}

function modelAttributes(step: ModelStep, plan: Plan, dialect: Dialect, index: number): { name: string; attributes: Attributes } {
  const calls = step.calls ?? [];
  const finish = finishOf(step, dialect);
  const out = step.outputTokens ?? Math.max(8, Math.round(step.text.length / 4) + calls.length * 20);
  switch (dialect) {
    case 'otel-genai':
    case 'mcp': {
      const parts: unknown[] = [];
      if (step.text !== '') parts.push({ type: 'text', content: step.text });
      calls.forEach((call, j) => parts.push({ type: 'tool_call', id: `call_${index}_${j}`, name: call.name, arguments: call.args }));
      return {
        name: `chat ${plan.model}`,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': plan.model,
          'gen_ai.response.model': `${plan.model}-2025-01-01`,
          'gen_ai.response.finish_reasons': [finish],
          'gen_ai.usage.input_tokens': 400 + index * 120,
          'gen_ai.usage.output_tokens': out,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Plan my trip' }] }]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts, finish_reason: finish }]),
        },
      };
    }
    case 'otel-legacy': {
      const attributes: Attributes = {
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': plan.model,
        'gen_ai.usage.prompt_tokens': 400 + index * 120,
        'gen_ai.usage.completion_tokens': out,
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'Plan my trip',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': finish,
      };
      if (step.text !== '' || calls.length === 0) attributes['gen_ai.completion.0.content'] = step.text;
      calls.forEach((call, j) => {
        attributes[`gen_ai.completion.0.tool_calls.${j}.name`] = call.name;
        attributes[`gen_ai.completion.0.tool_calls.${j}.arguments`] = json(call.args);
      });
      return { name: `anthropic.messages ${plan.model}`, attributes };
    }
    case 'openinference': {
      const attributes: Attributes = {
        'openinference.span.kind': 'LLM',
        'llm.model_name': plan.model,
        'llm.provider': 'openai',
        'llm.token_count.prompt': 400 + index * 120,
        'llm.token_count.completion': out,
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'Plan my trip',
        'llm.output_messages.0.message.role': 'assistant',
        'output.mime_type': 'application/json',
        'output.value': JSON.stringify({ generations: [[{ text: step.text }]] }),
      };
      if (step.text !== '') attributes['llm.output_messages.0.message.content'] = step.text;
      if (step.finish !== undefined) attributes['llm.finish_reason'] = step.finish;
      calls.forEach((call, j) => {
        attributes[`llm.output_messages.0.message.tool_calls.${j}.tool_call.function.name`] = call.name;
        attributes[`llm.output_messages.0.message.tool_calls.${j}.tool_call.function.arguments`] = json(call.args);
      });
      return { name: 'ChatOpenAI', attributes };
    }
    case 'openllmetry': {
      const attributes: Attributes = {
        'llm.request.type': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': plan.model,
        'gen_ai.response.model': plan.model,
        'gen_ai.usage.prompt_tokens': 400 + index * 120,
        'gen_ai.usage.completion_tokens': out,
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'Plan my trip',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': finish,
        'gen_ai.completion.0.content': step.text,
      };
      calls.forEach((call, j) => {
        attributes[`gen_ai.completion.0.tool_calls.${j}.name`] = call.name;
        attributes[`gen_ai.completion.0.tool_calls.${j}.arguments`] = json(call.args);
      });
      return { name: 'openai.chat', attributes };
    }
    case 'vercel-ai': {
      const attributes: Attributes = {
        'ai.operationId': 'ai.generateText.doGenerate',
        'operation.name': `ai.generateText.doGenerate ${plan.agent}`,
        'ai.telemetry.functionId': plan.agent,
        'ai.model.id': plan.model,
        'ai.model.provider': 'openai.chat',
        'ai.response.finishReason': finish,
        'ai.response.model': plan.model,
        'ai.usage.inputTokens': 400 + index * 120,
        'ai.usage.outputTokens': out,
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': plan.model,
      };
      if (step.text !== '' || calls.length === 0) attributes['ai.response.text'] = step.text;
      if (calls.length > 0) {
        attributes['ai.response.toolCalls'] = JSON.stringify(calls.map((call, j) => ({ toolCallType: 'function', toolCallId: `call_${index}_${j}`, toolName: call.name, input: json(call.args) })));
      }
      return { name: 'ai.generateText.doGenerate', attributes };
    }
  }
}

/**
 * How a tool's result reaches the span: `structured` sends objects as AnyValue kvlists (OTel
 * GenAI); `jsonString` makes the tool return JSON text (as LangChain tools must), which
 * Vercel and Traceloop then JSON-encode again.
 */
export interface RenderOptions {
  structured?: boolean;
  jsonString?: boolean;
}

function toolAttributes(step: ToolStep, plan: Plan, dialect: Dialect, index: number, options: RenderOptions): { name: string; attributes: Attributes } {
  const structured = options.structured === true && dialect === 'otel-genai';
  const returned = step.result === undefined || step.error !== undefined ? undefined : options.jsonString === true && typeof step.result === 'object' ? JSON.stringify(step.result) : step.result;
  const result = returned === undefined ? undefined : structured && typeof returned === 'object' ? (returned as AttributeValue) : json(returned);
  /** What Vercel's and Traceloop's JSON.stringify(output) put on the span. */
  const encoded = returned === undefined ? undefined : JSON.stringify(returned);
  const put = (attributes: Attributes, key: string, value: AttributeValue | undefined) => {
    if (value !== undefined) attributes[key] = value;
    return attributes;
  };
  switch (dialect) {
    case 'otel-genai':
      return {
        name: `execute_tool ${step.name}`,
        attributes: put(
          { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': step.name, 'gen_ai.tool.call.id': `call_${index}`, 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.arguments': structured ? (step.args as AttributeValue) : json(step.args) },
          'gen_ai.tool.call.result',
          result,
        ),
      };
    case 'mcp': {
      // MCP client span for tools/call; the result is the MCP CallToolResult.
      const mcpResult =
        returned === undefined ? undefined : JSON.stringify({ content: [{ type: 'text', text: json(returned) }], isError: false });
      return {
        name: `tools/call ${step.name}`,
        attributes: put(
          { 'mcp.method.name': 'tools/call', 'mcp.session.id': 'sess-42', 'jsonrpc.request.id': String(index), 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': step.name, 'gen_ai.tool.call.arguments': json(step.args) },
          'gen_ai.tool.call.result',
          mcpResult,
        ),
      };
    }
    case 'otel-legacy':
      return {
        name: `execute_tool ${step.name}`,
        attributes: put({ 'gen_ai.tool.name': step.name, 'gen_ai.tool.call.id': `toolu_${index}`, 'gen_ai.tool.call.arguments': json(step.args) }, 'gen_ai.tool.call.result', result),
      };
    case 'openinference':
      return {
        name: step.name,
        attributes: put(
          { 'openinference.span.kind': 'TOOL', 'tool.name': step.name, 'input.value': json(step.args), 'input.mime_type': 'application/json' },
          'output.value',
          result,
        ),
      };
    case 'openllmetry':
      return {
        name: `${step.name}.tool`,
        attributes: put(
          {
            'traceloop.span.kind': 'tool',
            'traceloop.entity.name': step.name,
            'traceloop.workflow.name': plan.agent,
            'traceloop.entity.path': plan.agent,
            'traceloop.entity.input': JSON.stringify({ args: [], kwargs: step.args }),
          },
          'traceloop.entity.output',
          encoded,
        ),
      };
    case 'vercel-ai':
      return {
        name: 'ai.toolCall',
        attributes: put(
          { 'ai.operationId': 'ai.toolCall', 'operation.name': `ai.toolCall ${plan.agent}`, 'ai.telemetry.functionId': plan.agent, 'ai.toolCall.name': step.name, 'ai.toolCall.id': `call_${index}`, 'ai.toolCall.args': json(step.args) },
          'ai.toolCall.result',
          encoded,
        ),
      };
  }
}

function rootOf(plan: Plan, dialect: Dialect): { name: string; attributes: Attributes } {
  switch (dialect) {
    case 'otel-genai':
    case 'mcp':
      return { name: `invoke_agent ${plan.agent}`, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': plan.agent, 'gen_ai.provider.name': 'openai' } };
    case 'otel-legacy':
      return { name: `${plan.agent}.run`, attributes: { 'gen_ai.agent.name': plan.agent } };
    case 'openinference':
      return { name: 'AgentExecutor', attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': plan.agent, 'input.value': 'Plan my trip' } };
    case 'openllmetry':
      return { name: `${plan.agent}.workflow`, attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': plan.agent, 'traceloop.workflow.name': plan.agent } };
    case 'vercel-ai':
      return { name: 'ai.generateText', attributes: { 'ai.operationId': 'ai.generateText', 'operation.name': `ai.generateText ${plan.agent}`, 'ai.telemetry.functionId': plan.agent, 'ai.model.id': plan.model, 'ai.model.provider': 'openai.chat' } };
  }
}

/** One plan as one OTLP request in `dialect`. */
export function renderPlan(plan: Plan, dialect: Dialect, options: RenderOptions = {}): HeldoutRun {
  const traceId = hex(32);
  const rootInfo = rootOf(plan, dialect);
  const gap = plan.gapMs ?? 15;
  let at = plan.startMs + 5;
  const children: OtlpSpan[] = [];
  const rootSpanId = hex(16);
  plan.steps.forEach((step, index) => {
    const info = step.type === 'model' ? modelAttributes(step, plan, dialect, index) : toolAttributes(step, plan, dialect, index, options);
    const child = span(traceId, rootSpanId, info.name, at, at + step.ms, info.attributes, { kind: step.type === 'model' ? 3 : 1 });
    if (step.type === 'tool') {
      if (step.error !== undefined) {
        child.statusCode = 2;
        child.statusMessage = step.error;
        child.events.push(exceptionEvent(at + step.ms, 'Error', step.error));
      }
      if (step.exception !== undefined) child.events.push(exceptionEvent(at + step.ms, step.exception.type, step.exception.message));
    }
    children.push(child);
    if (step.type === 'tool' && (plan.httpChildren === true || step.httpStatus !== undefined) && step.ms > 4) {
      const status = step.httpStatus ?? 200;
      const http = span(traceId, child.spanId, 'GET', at + 1, at + step.ms - 1, { 'http.request.method': 'GET', 'url.full': `https://api.example.com/${step.name}`, 'http.response.status_code': status }, { kind: 3 });
      if (status >= 400) {
        http.statusCode = 2;
        http.attributes['error.type'] = String(status);
      }
      children.push(http);
    }
    at += step.ms + gap;
  });
  if (plan.rootOutput !== undefined) {
    const output = plan.rootOutput;
    if (dialect === 'openinference') rootInfo.attributes['output.value'] = output;
    else if (dialect === 'openllmetry') rootInfo.attributes['traceloop.entity.output'] = JSON.stringify(output);
    else if (dialect === 'vercel-ai') rootInfo.attributes['ai.response.text'] = output;
    else rootInfo.attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: output }], finish_reason: 'stop' }]);
  }
  const root = span(traceId, null, rootInfo.name, plan.startMs, at, rootInfo.attributes, { spanId: rootSpanId });
  if (plan.rootError !== undefined) {
    root.statusCode = 2;
    root.statusMessage = plan.rootError;
    root.events.push(exceptionEvent(at, 'AgentError', plan.rootError));
  }
  return {
    traceId,
    scenario: plan.scenario,
    dialect,
    expected: plan.expected,
    request: {
      resourceSpans: [
        {
          resource: { 'service.name': plan.service, 'telemetry.sdk.language': 'nodejs' },
          scopeSpans: [{ scope: { name: `heldout-${dialect}`, version: '1.0.0' }, spans: [root, ...children] }],
        },
      ],
    },
  };
}

function exceptionEvent(atMs: number, type: string, message: string): OtlpEvent {
  return { timeUnixNano: ns(atMs), name: 'exception', attributes: { 'exception.type': type, 'exception.message': message } };
}
