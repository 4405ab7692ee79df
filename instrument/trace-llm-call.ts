import { SpanKind, type Attributes } from '@opentelemetry/api';
import { captureContent } from './content-capture.js';
import { GEN_AI, GEN_AI_OPERATION } from './gen-ai-attributes.js';
import { toInputMessages, toOutputMessages, type ChatMessageInput, type ToolCallRequest } from './messages.js';
import { runInSpan, type SpanTiming, type TracedSpan } from './run-in-span.js';

/** What came back from the model; every field optional. */
export interface LlmResponse {
  /** The model that answered (`gen_ai.response.model`), when it differs from the requested one. */
  model?: string;
  /** Provider's response id. */
  id?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** e.g. ["stop"], ["tool_call"], ["length"], ["content_filter"]. */
  finishReasons?: string[];
  /** The assistant's text. */
  text?: string;
  /** Tools the model asked to call. */
  toolCalls?: ToolCallRequest[];
}

export interface LlmRequest<T> extends SpanTiming {
  /** The requested model (`gen_ai.request.model`). */
  model: string;
  /** `gen_ai.provider.name`, e.g. "openai", "anthropic". */
  provider?: string;
  /** `gen_ai.operation.name`. Default "chat". */
  operation?: 'chat' | 'text_completion' | 'generate_content';
  /** The prompt: a string (one user message) or chat messages. */
  messages?: string | ChatMessageInput[];
  systemInstructions?: string;
  temperature?: number;
  maxTokens?: number;
  /** Extracts the response from what `fn` returns, instead of calling `call.setResponse`. */
  response?: (result: T) => LlmResponse;
  attributes?: Attributes;
}

export interface LlmCall extends TracedSpan {
  /** Records the model's answer: tokens, finish reasons, text, tool calls. */
  setResponse(response: LlmResponse): void;
}

/**
 * Wraps one model call in a `{operation} {model}` span (CLIENT) with the GenAI request,
 * usage, finish-reason and output-message attributes. Errors are recorded and rethrown.
 *
 * @example
 * const completion = await traceLlmCall(
 *   { model: 'gpt-4o-mini', provider: 'openai', messages,
 *     response: (r) => ({ inputTokens: r.usage?.prompt_tokens, outputTokens: r.usage?.completion_tokens,
 *       finishReasons: r.choices.map((c) => c.finish_reason), text: r.choices[0]?.message.content ?? undefined }) },
 *   () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }),
 * );
 */
export function traceLlmCall<T>(request: LlmRequest<T>, fn: (call: LlmCall) => T | Promise<T>): Promise<T> {
  const operation = request.operation ?? GEN_AI_OPERATION.chat;
  let recorded = false;
  return runInSpan(
    {
      name: `${operation} ${request.model}`,
      kind: SpanKind.CLIENT,
      attributes: {
        [GEN_AI.operationName]: operation,
        [GEN_AI.requestModel]: request.model,
        [GEN_AI.providerName]: request.provider,
        [GEN_AI.requestTemperature]: request.temperature,
        [GEN_AI.requestMaxTokens]: request.maxTokens,
        [GEN_AI.systemInstructions]: request.systemInstructions === undefined ? undefined : captureContent(request.systemInstructions, GEN_AI.systemInstructions),
        [GEN_AI.inputMessages]: request.messages === undefined ? undefined : captureContent(toInputMessages(request.messages), GEN_AI.inputMessages),
        ...request.attributes,
      },
      timing: request,
    },
    (base): LlmCall => ({
      ...base,
      setResponse(response) {
        recorded = true;
        recordResponse(base, response);
      },
    }),
    fn,
    (call, result) => {
      if (!recorded && request.response !== undefined) recordResponse(call, request.response(result));
    },
  );
}

function recordResponse(call: TracedSpan, response: LlmResponse): void {
  call.setAttribute(GEN_AI.responseModel, response.model);
  call.setAttribute(GEN_AI.responseId, response.id);
  call.setAttribute(GEN_AI.usageInputTokens, response.inputTokens);
  call.setAttribute(GEN_AI.usageOutputTokens, response.outputTokens);
  if (response.finishReasons !== undefined) call.setAttribute(GEN_AI.responseFinishReasons, response.finishReasons);
  if (response.text !== undefined || response.toolCalls !== undefined) {
    const messages = toOutputMessages(response.text, response.toolCalls, response.finishReasons?.[0]);
    call.setAttribute(GEN_AI.outputMessages, captureContent(messages, GEN_AI.outputMessages));
  }
}
