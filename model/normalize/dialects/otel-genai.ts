import type { Attributes } from '../../otlp.js';
import type { SpanKind } from '../../span.js';
import { indexedKeys, isRecord, parseJsonValue, readString, readText } from '../attribute-values.js';
import type { OutputReading } from '../output-reading.js';

/**
 * OpenTelemetry GenAI semantic conventions: v1.37+ (`gen_ai.provider.name`,
 * `gen_ai.input/output.messages`), the genai repo since v1.42, and the legacy ≤1.36 forms
 * (`gen_ai.system`, `gen_ai.usage.prompt_tokens`, flattened `gen_ai.completion.N.*` as
 * OpenLLMetry writes them). Vercel AI SDK v7 speaks this dialect too.
 */
export const OTEL_GENAI_KEYS = {
  operation: 'gen_ai.operation.name',
  agentName: ['gen_ai.agent.name'],
  workflowName: ['gen_ai.workflow.name'],
  sessionId: ['gen_ai.conversation.id'],
  responseModel: ['gen_ai.response.model'],
  requestModel: ['gen_ai.request.model'],
  provider: ['gen_ai.provider.name', 'gen_ai.system'],
  inputTokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  outputTokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  /** string[] per the spec; a plain string or a JSON array string are accepted too. */
  finishReasons: ['gen_ai.response.finish_reasons', 'gen_ai.response.finish_reason'],
  toolName: ['gen_ai.tool.name'],
  toolCallId: 'gen_ai.tool.call.id',
  toolArguments: ['gen_ai.tool.call.arguments'],
  toolResult: ['gen_ai.tool.call.result'],
  outputMessages: 'gen_ai.output.messages',
  /** Flattened legacy completion of choice 0 (OpenLLMetry 2025). */
  completionPrefix: 'gen_ai.completion.0.',
} as const;

/**
 * `gen_ai.operation.name` → kind. Inference calls are LLM; embeddings, retrieval, memory,
 * `plan` and Vercel's `agent_step` are 'other' (embedding tokens are not LLM calls);
 * `invoke_workflow` is an agent only as the root of a trace. Unknown custom values → undefined.
 */
const OPERATION_KINDS: Record<string, SpanKind | 'workflow'> = {
  chat: 'llm',
  generate_content: 'llm',
  text_completion: 'llm',
  llm_request: 'llm',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  invoke_workflow: 'workflow',
  embeddings: 'other',
  retrieval: 'other',
  rerank: 'other',
  agent_step: 'other',
  plan: 'other',
  execute_task: 'other',
  vector_db_retrieve: 'other',
  create_memory_store: 'other',
  search_memory: 'other',
  create_memory: 'other',
  update_memory: 'other',
  upsert_memory: 'other',
  delete_memory: 'other',
  delete_memory_store: 'other',
};

export function otelGenAiKind(attributes: Attributes, isRoot: boolean): SpanKind | undefined {
  const op = attributes[OTEL_GENAI_KEYS.operation];
  if (typeof op !== 'string') return undefined;
  const kind = Object.hasOwn(OPERATION_KINDS, op) ? OPERATION_KINDS[op] : undefined;
  if (kind === 'workflow') return isRoot ? 'agent' : 'other';
  return kind;
}

/** Span-name prefixes that mark a GenAI span when no dialect attribute does. */
export const OTEL_GENAI_NAME_PREFIXES: ReadonlyArray<readonly [string, SpanKind]> = [
  ['invoke_agent', 'agent'],
  ['execute_tool ', 'tool'],
  ['tools/call ', 'tool'],
  ['chat ', 'llm'],
  ['generate_content ', 'llm'],
  ['text_completion ', 'llm'],
];

/**
 * `gen_ai.output.messages` (JSON string or structured): the first assistant message's text
 * parts joined with '\n' ('' when it has none), its `tool_call` part names and its
 * `finish_reason`. Parsed once per span. Null when the attribute is absent or unreadable.
 */
export function readOtelOutputMessages(attributes: Attributes): OutputReading | null {
  const parsed = parseJsonValue(attributes[OTEL_GENAI_KEYS.outputMessages]);
  if (!Array.isArray(parsed)) return null;
  let message: Record<string, unknown> | undefined;
  for (const candidate of parsed) {
    if (isRecord(candidate) && (candidate['role'] === undefined || candidate['role'] === 'assistant')) {
      message = candidate;
      break;
    }
  }
  if (message === undefined) return { text: '', toolCallNames: [], finishReason: null };
  const texts: string[] = [];
  const toolCallNames: string[] = [];
  const parts = message['parts'];
  if (Array.isArray(parts)) {
    for (const part of parts) {
      if (!isRecord(part)) continue;
      if (part['type'] === 'text') {
        const content = typeof part['content'] === 'string' ? part['content'] : typeof part['text'] === 'string' ? part['text'] : null;
        if (content !== null) texts.push(content);
      } else if (part['type'] === 'tool_call' && typeof part['name'] === 'string') {
        toolCallNames.push(part['name']);
      }
    }
  } else if (typeof message['content'] === 'string') {
    texts.push(message['content']);
  }
  const finishReason = typeof message['finish_reason'] === 'string' ? message['finish_reason'] : null;
  return { text: texts.join('\n'), toolCallNames, finishReason };
}

/**
 * Flattened `gen_ai.completion.0.{content,role,finish_reason,tool_calls.N.name}` (legacy
 * OpenLLMetry). Null when no key of choice 0 is present; text '' when the message is there
 * (role or tool calls) without content, null when only the finish reason is.
 */
const COMPLETION_CONTENT = `${OTEL_GENAI_KEYS.completionPrefix}content`;
const COMPLETION_ROLE = `${OTEL_GENAI_KEYS.completionPrefix}role`;
const COMPLETION_FINISH_REASON = `${OTEL_GENAI_KEYS.completionPrefix}finish_reason`;
const completionToolCallName = indexedKeys(`${OTEL_GENAI_KEYS.completionPrefix}tool_calls.`, '.name');

export function readOtelCompletionAttributes(attributes: Attributes): OutputReading | null {
  const content = readText(attributes[COMPLETION_CONTENT]);
  const finishReason = readString(attributes[COMPLETION_FINISH_REASON]);
  const toolCallNames: string[] = [];
  for (let j = 0; j < 128; j++) {
    const name = readString(attributes[completionToolCallName(j)]);
    if (name === null) break;
    toolCallNames.push(name);
  }
  const messageCaptured = content !== null || toolCallNames.length > 0 || attributes[COMPLETION_ROLE] !== undefined;
  if (!messageCaptured && finishReason === null) return null;
  return { text: content ?? (messageCaptured ? '' : null), toolCallNames: messageCaptured ? toolCallNames : null, finishReason };
}
