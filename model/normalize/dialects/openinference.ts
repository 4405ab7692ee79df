import type { Attributes } from '../../otlp.js';
import type { SpanKind } from '../../span.js';
import { indexedKeys, readString, readText } from '../attribute-values.js';
import type { OutputReading } from '../output-reading.js';

/**
 * OpenInference (Arize) semantic conventions, `spec/semantic_conventions.md`: span kind in
 * `openinference.span.kind`, flattened zero-based message lists, generic `input.value` /
 * `output.value` I/O.
 */
export const OPENINFERENCE_KEYS = {
  spanKind: 'openinference.span.kind',
  agentName: ['agent.name'],
  sessionId: ['session.id'],
  responseModel: ['llm.response.model_name'],
  requestModel: ['llm.request.model_name', 'llm.model_name'],
  provider: ['llm.provider', 'llm.system'],
  inputTokens: ['llm.token_count.prompt'],
  outputTokens: ['llm.token_count.completion'],
  finishReason: ['llm.finish_reason'],
  toolName: ['tool.name'],
  /** input.value holds the call arguments; tool.parameters too in the openinference-vercel/-genai mappers. */
  toolArguments: ['input.value', 'tool.parameters'],
  toolResult: ['output.value'],
  outputValue: 'output.value',
  outputMimeType: 'output.mime_type',
  outputMessagePrefix: 'llm.output_messages.0.message.',
} as const;

/**
 * `openinference.span.kind` (case-insensitive) → kind. CHAIN is glue (LangChain runnables,
 * workflow steps) and is 'other'; EMBEDDING, RETRIEVER, RERANKER, GUARDRAIL, EVALUATOR and
 * PROMPT are 'other' too. Unknown values → undefined.
 */
const SPAN_KINDS: Record<string, SpanKind> = {
  LLM: 'llm',
  TOOL: 'tool',
  AGENT: 'agent',
  CHAIN: 'other',
  EMBEDDING: 'other',
  RETRIEVER: 'other',
  RERANKER: 'other',
  GUARDRAIL: 'other',
  EVALUATOR: 'other',
  PROMPT: 'other',
};

export function openInferenceKind(attributes: Attributes): SpanKind | undefined {
  const value = attributes[OPENINFERENCE_KEYS.spanKind];
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return Object.hasOwn(SPAN_KINDS, upper) ? SPAN_KINDS[upper] : undefined;
}

/**
 * `llm.output_messages.0.message.{role,content,contents.J.message_content.{type,text},
 * tool_calls.J.tool_call.function.name}`. Null when no key of message 0 is present.
 */
const P = OPENINFERENCE_KEYS.outputMessagePrefix;
const MESSAGE_CONTENT = `${P}content`;
const MESSAGE_ROLE = `${P}role`;
const contentType = indexedKeys(`${P}contents.`, '.message_content.type');
const contentText = indexedKeys(`${P}contents.`, '.message_content.text');
const toolCallName = indexedKeys(`${P}tool_calls.`, '.tool_call.function.name');

export function readOpenInferenceOutputMessages(attributes: Attributes): OutputReading | null {
  let text = readText(attributes[MESSAGE_CONTENT]);
  if (text === null) {
    const texts: string[] = [];
    for (let j = 0; j < 128; j++) {
      const type = attributes[contentType(j)];
      const partText = attributes[contentText(j)];
      if (type === undefined && partText === undefined) break;
      if (typeof partText === 'string' && (type === undefined || type === 'text')) texts.push(partText);
    }
    if (texts.length > 0) text = texts.join('\n');
  }
  const toolCallNames: string[] = [];
  for (let j = 0; j < 128; j++) {
    const name = readString(attributes[toolCallName(j)]);
    if (name === null) break;
    toolCallNames.push(name);
  }
  if (text === null && toolCallNames.length === 0 && attributes[MESSAGE_ROLE] === undefined) return null;
  return { text: text ?? '', toolCallNames, finishReason: null };
}

/** `output.value` of an LLM span as its text, unless `output.mime_type` says it is JSON. */
export function readOpenInferenceOutputValue(attributes: Attributes): OutputReading | null {
  const value = readText(attributes[OPENINFERENCE_KEYS.outputValue]);
  if (value === null || attributes[OPENINFERENCE_KEYS.outputMimeType] === 'application/json') return null;
  return { text: value, toolCallNames: null, finishReason: null };
}
