/**
 * Chat messages in the shape of the GenAI conventions' `gen_ai.input.messages` /
 * `gen_ai.output.messages` JSON: `{ role, parts: [{ type: 'text', content } | { type:
 * 'tool_call', id, name, arguments } | …], finish_reason? }`.
 */

/** A message as agents usually hold it; `content` may already be a parts array. */
export interface ChatMessageInput {
  role: string;
  content?: unknown;
  parts?: unknown[];
  [key: string]: unknown;
}

export interface ToolCallRequest {
  name: string;
  arguments?: unknown;
  id?: string;
}

/** A string is one user message; message objects are converted to the parts form. */
export function toInputMessages(input: string | ChatMessageInput[] | unknown): unknown {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return input;
  return input.map((message: unknown) => {
    if (message === null || typeof message !== 'object') return message;
    const { role, content, parts, ...rest } = message as ChatMessageInput;
    if (parts !== undefined) return { role, parts, ...rest };
    if (typeof content === 'string') return { role, parts: [{ type: 'text', content }], ...rest };
    if (Array.isArray(content)) return { role, parts: content, ...rest };
    return message;
  });
}

/** One assistant output message from text and/or tool calls. */
export function toOutputMessages(text: string | undefined, toolCalls: ToolCallRequest[] | undefined, finishReason: string | undefined): unknown {
  const parts: unknown[] = [];
  if (text !== undefined) parts.push({ type: 'text', content: text });
  for (const call of toolCalls ?? []) parts.push({ type: 'tool_call', id: call.id ?? null, name: call.name, arguments: call.arguments ?? null });
  return [{ role: 'assistant', parts, ...(finishReason !== undefined ? { finish_reason: finishReason } : {}) }];
}
