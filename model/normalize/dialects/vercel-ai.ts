import type { Attributes } from '../../otlp.js';
import type { SpanKind } from '../../span.js';
import { isRecord, parseJsonValue, readString, readText } from '../attribute-values.js';
import type { OutputReading } from '../output-reading.js';

/**
 * Vercel AI SDK, legacy telemetry (`experimental_telemetry` in ai ≤ v6, `LegacyOpenTelemetry`
 * in v7). Spans are named by `ai.operationId`. Its v7 default telemetry is OTel GenAI (see
 * otel-genai.ts); the doGenerate/doStream spans also carry `gen_ai.*` keys.
 */
export const VERCEL_AI_KEYS = {
  operationId: 'ai.operationId',
  /** The user's `functionId`: the agent's name on every span of the call. */
  agentName: ['ai.telemetry.functionId'],
  sessionId: [
    'ai.telemetry.metadata.sessionId',
    'ai.telemetry.metadata.session_id',
    'ai.telemetry.metadata.threadId',
    'ai.telemetry.metadata.conversationId',
    'ai.settings.context.sessionId',
    'ai.settings.runtimeContext.sessionId',
  ],
  responseModel: ['ai.response.model'],
  requestModel: ['ai.model.id'],
  provider: ['ai.model.provider'],
  inputTokens: ['ai.usage.inputTokens', 'ai.usage.promptTokens'],
  outputTokens: ['ai.usage.outputTokens', 'ai.usage.completionTokens'],
  finishReason: ['ai.response.finishReason'],
  toolName: ['ai.toolCall.name'],
  toolArguments: ['ai.toolCall.args', 'ai.toolCall.input'],
  toolResult: ['ai.toolCall.result', 'ai.toolCall.output'],
  responseText: 'ai.response.text',
  responseToolCalls: 'ai.response.toolCalls',
} as const;

/**
 * Operation ids → kind. The whole call (`ai.generateText` …) is the agent run and carries
 * aggregate usage; each provider call (`…doGenerate`/`…doStream`) is the LLM call; embeddings
 * and rerank are 'other'.
 */
const OPERATION_KINDS: Record<string, SpanKind> = {
  'ai.generateText': 'agent',
  'ai.streamText': 'agent',
  'ai.generateObject': 'agent',
  'ai.streamObject': 'agent',
  'ai.generateText.doGenerate': 'llm',
  'ai.streamText.doStream': 'llm',
  'ai.generateObject.doGenerate': 'llm',
  'ai.streamObject.doStream': 'llm',
  'ai.toolCall': 'tool',
  'ai.embed': 'other',
  'ai.embed.doEmbed': 'other',
  'ai.embedMany': 'other',
  'ai.embedMany.doEmbed': 'other',
  'ai.rerank': 'other',
  'ai.rerank.doRerank': 'other',
};

/** Kind from `ai.operationId`, else from a span name that is exactly a known operation id. */
export function vercelAiKind(attributes: Attributes, spanName: string): SpanKind | undefined {
  const id = attributes[VERCEL_AI_KEYS.operationId];
  const key = typeof id === 'string' ? id : spanName;
  return Object.hasOwn(OPERATION_KINDS, key) ? OPERATION_KINDS[key] : undefined;
}

/**
 * `ai.response.text` and `ai.response.toolCalls` (JSON `[{toolName, …}]`). Text is '' when
 * only tool calls were returned. Null when neither is present.
 */
export function readVercelAiResponse(attributes: Attributes): OutputReading | null {
  const text = readText(attributes[VERCEL_AI_KEYS.responseText]);
  const rawCalls = attributes[VERCEL_AI_KEYS.responseToolCalls];
  if (text === null && (rawCalls === undefined || rawCalls === null)) return null;
  let toolCallNames: string[] | null = null;
  const calls = parseJsonValue(rawCalls);
  if (Array.isArray(calls)) {
    toolCallNames = [];
    for (const call of calls) {
      if (!isRecord(call)) continue;
      const name = typeof call['toolName'] === 'string' ? call['toolName'] : readString(isRecord(call['function']) ? (call['function']['name'] as string) : undefined);
      if (name !== null && name !== '') toolCallNames.push(name);
    }
  }
  return { text: text ?? '', toolCallNames: toolCallNames ?? (text !== null ? [] : null), finishReason: null };
}
