import type { AttributeValue, Attributes, OtlpScope, OtlpSpan, OtlpTraceRequest } from '../otlp.js';
import type { LlmCall, NormalizedSpan, SpanKind, SpanStatus, ToolCall } from '../span.js';
import { durationMsBetween } from '../time.js';
import { firstOf, readCount, readString, toJsonText, parseJsonValue } from './attribute-values.js';
import { normalizeFinishReason } from './finish-reason.js';
import { maskSpanName } from './mask-span-name.js';
import { isGenAiContentEvent, spanEventsAsContent, withGenAiEventContent } from './genai-events.js';
import { GEN_AI, OPENINFERENCE, TRACELOOP, VERCEL_AI, candidateKeys, dialectMask } from './dialect-mask.js';
import type { OutputReading } from './output-reading.js';
import {
  OTEL_GENAI_KEYS,
  OTEL_GENAI_NAME_PREFIXES,
  otelGenAiKind,
  readOtelCompletionAttributes,
  readOtelOutputMessages,
} from './dialects/otel-genai.js';
import {
  OPENINFERENCE_KEYS,
  openInferenceKind,
  readOpenInferenceOutputMessages,
  readOpenInferenceOutputValue,
} from './dialects/openinference.js';
import { VERCEL_AI_KEYS, readVercelAiResponse, vercelAiKind } from './dialects/vercel-ai.js';
import { OPENLLMETRY_KEYS, openLlmetryKind, readOpenLlmetryAgentName } from './dialects/openllmetry.js';

/*
 * Reading order. Every field is read on its own (dialects mix on one span: Vercel's doGenerate
 * spans carry `ai.*` and `gen_ai.*`, OpenLLMetry tool spans `traceloop.*` and `gen_ai.tool.name`),
 * and the first key present with a readable value wins, in the order of the list below for that
 * field. Broadly: OTel GenAI, then OpenInference, then Vercel AI SDK, then OpenLLMetry; tool
 * arguments/results put Vercel's exact `ai.toolCall.*` before OpenInference's generic
 * `input.value`/`output.value`, and models put every dialect's response model before any
 * requested model. The key names themselves live in dialects/*.ts, one file per dialect.
 */
const AGENT_KEYS = candidateKeys([...OTEL_GENAI_KEYS.agentName, ...OPENINFERENCE_KEYS.agentName, ...VERCEL_AI_KEYS.agentName]);
/** After AGENT_KEYS and the traceloop entity of agent/workflow spans: the workflow's name. */
const WORKFLOW_KEYS = candidateKeys([...OTEL_GENAI_KEYS.workflowName, ...OPENLLMETRY_KEYS.workflowName]);
const SESSION_KEYS = candidateKeys([
  ...OTEL_GENAI_KEYS.sessionId,
  ...OPENINFERENCE_KEYS.sessionId,
  'langfuse.session.id',
  ...OPENLLMETRY_KEYS.sessionId,
  ...VERCEL_AI_KEYS.sessionId,
]);
/** The actual model (response) from any dialect before the requested one from any dialect. */
const MODEL_KEYS = candidateKeys([
  ...OTEL_GENAI_KEYS.responseModel,
  ...OPENINFERENCE_KEYS.responseModel,
  ...VERCEL_AI_KEYS.responseModel,
  ...OTEL_GENAI_KEYS.requestModel,
  ...OPENINFERENCE_KEYS.requestModel,
  ...VERCEL_AI_KEYS.requestModel,
]);
const PROVIDER_KEYS = candidateKeys([...OTEL_GENAI_KEYS.provider, ...OPENINFERENCE_KEYS.provider, ...VERCEL_AI_KEYS.provider]);
const INPUT_TOKEN_KEYS = candidateKeys([...OTEL_GENAI_KEYS.inputTokens, ...OPENINFERENCE_KEYS.inputTokens, ...VERCEL_AI_KEYS.inputTokens]);
const OUTPUT_TOKEN_KEYS = candidateKeys([...OTEL_GENAI_KEYS.outputTokens, ...OPENINFERENCE_KEYS.outputTokens, ...VERCEL_AI_KEYS.outputTokens]);
const FINISH_REASON_KEYS = candidateKeys([...OTEL_GENAI_KEYS.finishReasons, ...OPENINFERENCE_KEYS.finishReason, ...VERCEL_AI_KEYS.finishReason]);
const TOOL_NAME_KEYS = candidateKeys([...OTEL_GENAI_KEYS.toolName, ...OPENINFERENCE_KEYS.toolName, ...VERCEL_AI_KEYS.toolName, ...OPENLLMETRY_KEYS.toolName]);
const TOOL_ARGUMENT_KEYS = candidateKeys([
  ...OTEL_GENAI_KEYS.toolArguments,
  ...VERCEL_AI_KEYS.toolArguments,
  ...OPENINFERENCE_KEYS.toolArguments,
  ...OPENLLMETRY_KEYS.toolArguments,
]);
const TOOL_RESULT_KEYS = candidateKeys([
  ...OTEL_GENAI_KEYS.toolResult,
  ...VERCEL_AI_KEYS.toolResult,
  ...OPENINFERENCE_KEYS.toolResult,
  ...OPENLLMETRY_KEYS.toolResult,
]);
/** Content sources of an LLM span's response, in reading order; each is read at most once. */
const OUTPUT_SOURCES: ReadonlyArray<readonly [number, (attributes: Attributes) => OutputReading | null]> = [
  [GEN_AI, readOtelOutputMessages],
  [GEN_AI, readOtelCompletionAttributes],
  [OPENINFERENCE, readOpenInferenceOutputMessages],
  [VERCEL_AI, readVercelAiResponse],
  [OPENINFERENCE, readOpenInferenceOutputValue],
];
/** Without any dialect marker, these keys make a span an LLM call. */
const LLM_FALLBACK_KEYS = candidateKeys(['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.provider.name', 'gen_ai.system']);
const MAX_OPERATION_CHARS = 200;

/**
 * Maps one decoded OTLP span, with its resource and scope, into the normalised model.
 * Pure and total: any span, however odd its attributes, yields a NormalizedSpan (if reading
 * the dialects fails unexpectedly, the span is kept as kind 'other' with its raw attributes).
 * Cost: a few dozen attribute lookups; JSON content (`gen_ai.output.messages`,
 * `ai.response.toolCalls`) is parsed at most once, and only on LLM spans.
 */
export function normalizeSpan(span: OtlpSpan, resource: Attributes, scope: OtlpScope): NormalizedSpan {
  const serviceName = resource['service.name'];
  const service = typeof serviceName === 'string' && serviceName !== '' ? serviceName : 'unknown_service';
  const name = typeof span.name === 'string' ? span.name : '';
  const events = Array.isArray(span.events) ? span.events : [];
  const attributes: Attributes = withSpanEventContent(isAttributes(span.attributes) ? span.attributes : {}, events);
  const base: NormalizedSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name,
    kind: 'other',
    otelKind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    durationMs: durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    status: statusWord(span.statusCode),
    statusMessage: typeof span.statusMessage === 'string' ? span.statusMessage : '',
    service,
    agent: null,
    sessionId: null,
    operation: '',
    llm: null,
    tool: null,
    attributes,
    events,
    resource,
    scopeName: typeof scope?.name === 'string' ? scope.name : '',
  };
  try {
    readDialects(base, attributes, name, span.parentSpanId === null);
  } catch {
    base.kind = 'other';
    base.llm = null;
    base.tool = null;
    base.operation = `span:${safeMask(name)}`;
  }
  return base;
}

/**
 * GenAI content sent as span events (`gen_ai.user.message`, `gen_ai.choice`, …, or
 * `gen_ai.client.inference.operation.details`) read as the span attributes they stand for
 * (model/normalize/genai-events.ts).
 */
function withSpanEventContent(attributes: Attributes, events: OtlpSpan['events']): Attributes {
  if (events.length === 0 || !events.some((event) => isGenAiContentEvent(event.name))) return attributes;
  return withGenAiEventContent(attributes, spanEventsAsContent(events));
}

/** Every span of a decoded request, normalised, in request order. */
export function normalizeRequest(request: OtlpTraceRequest): NormalizedSpan[] {
  const out: NormalizedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) out.push(normalizeSpan(span, resourceSpans.resource, scopeSpans.scope));
    }
  }
  return out;
}

/** Fills kind, agent, sessionId, llm, tool and operation of `out` in place. */
function readDialects(out: NormalizedSpan, attributes: Attributes, name: string, isRoot: boolean): void {
  const mask = dialectMask(attributes);
  const kind = detectKind(attributes, mask, name, isRoot);
  out.kind = kind;
  out.agent =
    firstOf(attributes, mask, AGENT_KEYS, readString) ??
    readOpenLlmetryAgentName(attributes) ??
    firstOf(attributes, mask, WORKFLOW_KEYS, readString);
  out.sessionId = firstOf(attributes, mask, SESSION_KEYS, readString);
  if (kind === 'llm') {
    out.llm = readLlmCall(attributes, mask, name);
    out.operation = out.llm.model !== null ? `llm:${cap(out.llm.model)}` : `span:${safeMask(name)}`;
  } else if (kind === 'tool') {
    out.tool = readToolCall(attributes, mask, name);
    out.operation = `tool:${cap(out.tool.name)}`;
  } else if (kind === 'agent' && out.agent !== null) {
    out.operation = `agent:${cap(out.agent)}`;
  } else {
    out.operation = `span:${safeMask(name)}`;
  }
}

/**
 * Kind, by the first dialect marker present: `gen_ai.operation.name`, then
 * `openinference.span.kind`, then `traceloop.span.kind` / `llm.request.type`, then Vercel's
 * `ai.operationId`; without any marker, `gen_ai.tool.name`/`gen_ai.tool.call.id` → tool, the
 * span-name prefixes `invoke_agent`, `execute_tool `, `tools/call `, `chat ` …, then a GenAI
 * model/provider key → llm; else 'other'.
 */
function detectKind(attributes: Attributes, mask: number, name: string, isRoot: boolean): SpanKind {
  const marked =
    ((mask & GEN_AI) !== 0 ? otelGenAiKind(attributes, isRoot) : undefined) ??
    ((mask & OPENINFERENCE) !== 0 ? openInferenceKind(attributes) : undefined) ??
    ((mask & (TRACELOOP | OPENINFERENCE)) !== 0 ? openLlmetryKind(attributes, isRoot) : undefined) ??
    vercelAiKind(attributes, name);
  if (marked !== undefined) return marked;
  if ((mask & GEN_AI) !== 0 && (attributes[OTEL_GENAI_KEYS.toolName[0]] !== undefined || attributes[OTEL_GENAI_KEYS.toolCallId] !== undefined)) return 'tool';
  for (const [prefix, kind] of OTEL_GENAI_NAME_PREFIXES) if (name.startsWith(prefix)) return kind;
  if (firstOf(attributes, mask, LLM_FALLBACK_KEYS, readString) !== null) return 'llm';
  return 'other';
}

function readLlmCall(attributes: Attributes, mask: number, name: string): LlmCall {
  let text: string | null = null;
  let toolCallNames: string[] | null = null;
  let sourceFinishReason: string | null = null;
  for (const [family, source] of OUTPUT_SOURCES) {
    if (text !== null && toolCallNames !== null && sourceFinishReason !== null) break;
    if ((family & mask) === 0) continue;
    const reading = source(attributes);
    if (reading === null) continue;
    text ??= reading.text;
    toolCallNames ??= reading.toolCallNames;
    sourceFinishReason ??= reading.finishReason;
  }
  const rawFinishReason = firstOf(attributes, mask, FINISH_REASON_KEYS, readFirstReason) ?? sourceFinishReason;
  return {
    model: firstOf(attributes, mask, MODEL_KEYS, readString) ?? modelFromSpanName(name),
    provider: firstOf(attributes, mask, PROVIDER_KEYS, readString),
    inputTokens: firstOf(attributes, mask, INPUT_TOKEN_KEYS, readCount),
    outputTokens: firstOf(attributes, mask, OUTPUT_TOKEN_KEYS, readCount),
    finishReason: rawFinishReason === null ? null : normalizeFinishReason(rawFinishReason),
    outputText: text,
    toolCallNames: toolCallNames ?? [],
  };
}

function readToolCall(attributes: Attributes, mask: number, name: string): ToolCall {
  return {
    name: firstOf(attributes, mask, TOOL_NAME_KEYS, readString) ?? toolNameFromSpanName(name),
    arguments: firstOf(attributes, mask, TOOL_ARGUMENT_KEYS, toJsonText),
    result: firstOf(attributes, mask, TOOL_RESULT_KEYS, toJsonText),
  };
}

/** First element of a finish-reason list: a string[], a JSON array string, or a plain string. */
function readFirstReason(value: AttributeValue | undefined): string | null {
  if (Array.isArray(value)) return value.length > 0 ? readString(value[0]) : null;
  if (typeof value === 'string' && value.startsWith('[')) {
    const parsed = parseJsonValue(value);
    return Array.isArray(parsed) && typeof parsed[0] === 'string' && parsed[0] !== '' ? parsed[0] : null;
  }
  return readString(value);
}

/** `chat gpt-4o` → `gpt-4o` (the OTel GenAI span name `{operation} {model}`); else null. */
function modelFromSpanName(name: string): string | null {
  for (const prefix of ['chat ', 'generate_content ', 'text_completion ']) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length).trim() || null;
  }
  return null;
}

/** `execute_tool search` / `tools/call search` / `search.tool` → `search`; else the masked name. */
function toolNameFromSpanName(name: string): string {
  for (const prefix of ['execute_tool ', 'tools/call ']) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length).trim();
  }
  if (name.endsWith('.tool') && name.length > 5) return name.slice(0, -5);
  return safeMask(name) || 'unknown_tool';
}

function safeMask(name: string): string {
  return maskSpanName(name);
}

function cap(text: string): string {
  return text.length > MAX_OPERATION_CHARS ? text.slice(0, MAX_OPERATION_CHARS) : text;
}

function isAttributes(value: unknown): value is Attributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statusWord(code: number): SpanStatus {
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}
