import type { AttributeValue, Attributes } from '../otlp.js';
import { isRecord, parseJsonValue, readString, readText } from '../normalize/attribute-values.js';

/**
 * A model call's messages as chat turns, whatever dialect carried them: OTel GenAI
 * (`gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.output.messages`, and the
 * flattened legacy `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`), OpenInference
 * (`llm.input_messages.N.message.*`, `llm.output_messages.N.message.*`) and the Vercel AI SDK
 * (`ai.prompt.messages`, `ai.prompt`, `ai.response.text`, `ai.response.toolCalls`).
 *
 * Contract: total on untrusted input (never throws; unreadable values are skipped), at most
 * MAX_MESSAGES messages per list, text kept as sent (escaping is the renderer's job).
 */

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; id: string | null; name: string; arguments: string }
  | { type: 'tool_result'; id: string | null; name: string | null; result: string };

export interface ChatMessage {
  /** `system`, `user`, `assistant`, `tool`, … as sent (lower-cased). */
  role: string;
  parts: ChatPart[];
}

export interface ChatTranscript {
  /** System instructions (a system message in the input list is moved here). */
  system: string | null;
  input: ChatMessage[];
  output: ChatMessage[];
}

export const MAX_MESSAGES = 500;
/** Flattened lists are probed up to this index. */
const MAX_FLAT_INDEX = 200;

/** The messages of one model-call span; null when the span carries none. */
export function readChatTranscript(attributes: Attributes): ChatTranscript | null {
  const system: string[] = [];
  const input = readInput(attributes);
  const output = readOutput(attributes);
  const instructions = readSystemInstructions(attributes);
  if (instructions !== null) system.push(instructions);
  const conversation: ChatMessage[] = [];
  for (const message of input) {
    if (message.role === 'system' || message.role === 'developer') system.push(textOf(message));
    else conversation.push(message);
  }
  if (system.length === 0 && conversation.length === 0 && output.length === 0) return null;
  return { system: system.length > 0 ? system.join('\n\n') : null, input: conversation, output };
}

/** The text parts of a message joined with newlines ('' when it has none). */
export function textOf(message: ChatMessage): string {
  return message.parts
    .filter((part): part is Extract<ChatPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

function readInput(attributes: Attributes): ChatMessage[] {
  return (
    readMessageList(attributes['gen_ai.input.messages']) ??
    readFlatMessages(attributes, 'llm.input_messages.', '.message.') ??
    readFlatMessages(attributes, 'gen_ai.prompt.', '.') ??
    readMessageList(attributes['ai.prompt.messages']) ??
    readVercelPrompt(attributes['ai.prompt']) ??
    []
  );
}

function readOutput(attributes: Attributes): ChatMessage[] {
  const listed =
    readMessageList(attributes['gen_ai.output.messages'], 'assistant') ??
    readFlatMessages(attributes, 'llm.output_messages.', '.message.', 'assistant') ??
    readFlatMessages(attributes, 'gen_ai.completion.', '.', 'assistant');
  if (listed !== null) return listed;
  const text = readText(attributes['ai.response.text']);
  const calls = parseJsonValue(attributes['ai.response.toolCalls']);
  const parts: ChatPart[] = [];
  if (text !== null && text !== '') parts.push({ type: 'text', text });
  if (Array.isArray(calls)) for (const call of calls.slice(0, MAX_MESSAGES)) pushPart(parts, call);
  return parts.length > 0 || text !== null ? [{ role: 'assistant', parts }] : [];
}

function readSystemInstructions(attributes: Attributes): string | null {
  const raw = attributes['gen_ai.system_instructions'];
  if (raw === undefined || raw === null) return null;
  const parsed = parseJsonValue(raw);
  if (parsed === undefined) return readString(raw);
  const parts: ChatPart[] = [];
  if (Array.isArray(parsed)) for (const part of parsed.slice(0, MAX_MESSAGES)) pushPart(parts, part);
  else pushPart(parts, parsed);
  const text = textOf({ role: 'system', parts });
  return text === '' ? null : text;
}

/** A JSON list of messages (GenAI parts form, OpenAI/Anthropic content form, Vercel form). */
function readMessageList(raw: AttributeValue | undefined, defaultRole = 'user'): ChatMessage[] | null {
  const parsed = parseJsonValue(raw);
  if (!Array.isArray(parsed)) return null;
  const messages: ChatMessage[] = [];
  for (const item of parsed.slice(0, MAX_MESSAGES)) {
    const message = toMessage(item, defaultRole);
    if (message !== null) messages.push(message);
  }
  return messages;
}

function toMessage(item: unknown, defaultRole: string): ChatMessage | null {
  if (typeof item === 'string') return { role: defaultRole, parts: [{ type: 'text', text: item }] };
  if (!isRecord(item)) return null;
  const role = typeof item['role'] === 'string' && item['role'] !== '' ? item['role'].toLowerCase() : defaultRole;
  const parts: ChatPart[] = [];
  const content = item['parts'] ?? item['content'];
  if (typeof content === 'string') parts.push({ type: 'text', text: content });
  else if (Array.isArray(content)) for (const part of content.slice(0, MAX_MESSAGES)) pushPart(parts, part);
  else if (isRecord(content)) pushPart(parts, content);
  // OpenAI chat form: tool_calls beside the content, tool_call_id on the tool's answer.
  const toolCalls = item['tool_calls'];
  if (Array.isArray(toolCalls)) for (const call of toolCalls.slice(0, MAX_MESSAGES)) pushPart(parts, call);
  if (role === 'tool' && typeof item['tool_call_id'] === 'string') {
    const result = textOf({ role, parts });
    return { role, parts: [{ type: 'tool_result', id: item['tool_call_id'], name: readName(item), result }] };
  }
  return { role, parts };
}

/** One content part in any of the shapes above; unknown shapes become their JSON text. */
function pushPart(parts: ChatPart[], part: unknown): void {
  if (typeof part === 'string') {
    parts.push({ type: 'text', text: part });
    return;
  }
  if (!isRecord(part)) return;
  const type = typeof part['type'] === 'string' ? part['type'] : '';
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
    case 'reasoning':
    case 'thinking': {
      const text = firstString(part, ['content', 'text', 'thinking']);
      if (text !== null) parts.push({ type: 'text', text });
      return;
    }
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
    case 'function':
    case '': {
      const fn = isRecord(part['function']) ? part['function'] : part;
      const name = readName(fn) ?? readName(part);
      if (name === null && type === '') break;
      parts.push({
        type: 'tool_call',
        id: firstString(part, ['id', 'toolCallId', 'call_id']),
        name: name ?? 'tool',
        arguments: jsonText(fn['arguments'] ?? fn['args'] ?? fn['input'] ?? part['arguments'] ?? part['args'] ?? part['input']),
      });
      return;
    }
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
      parts.push({
        type: 'tool_result',
        id: firstString(part, ['id', 'toolCallId', 'tool_use_id', 'call_id']),
        name: readName(part),
        result: jsonText(part['response'] ?? part['result'] ?? part['output'] ?? part['content']),
      });
      return;
    default:
      break;
  }
  parts.push({ type: 'text', text: jsonText(part) });
}

/**
 * Flattened lists: `${prefix}N${infix}role`, `…content`, `…contents.J.message_content.text`,
 * `…tool_calls.J.tool_call.function.{name,arguments}` (OpenInference) or
 * `…tool_calls.J.{name,arguments,id}` (legacy GenAI), `…tool_call_id`. Null when index 0 is absent.
 */
function readFlatMessages(attributes: Attributes, prefix: string, infix: string, defaultRole = 'user'): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < MAX_FLAT_INDEX; i++) {
    const base = `${prefix}${i}${infix}`;
    const role = readString(attributes[`${base}role`]);
    const content = attributes[`${base}content`];
    const parts: ChatPart[] = [];
    if (typeof content === 'string') parts.push({ type: 'text', text: content });
    else if (content !== undefined && content !== null) {
      const parsed = parseJsonValue(content) ?? content;
      if (Array.isArray(parsed)) for (const part of parsed) pushPart(parts, part);
      else pushPart(parts, parsed);
    }
    for (let j = 0; j < MAX_FLAT_INDEX; j++) {
      const text = readText(attributes[`${base}contents.${j}.message_content.text`]);
      if (text === null) break;
      parts.push({ type: 'text', text });
    }
    for (let j = 0; j < MAX_FLAT_INDEX; j++) {
      const oi = `${base}tool_calls.${j}.tool_call.`;
      const name = readString(attributes[`${oi}function.name`]) ?? readString(attributes[`${base}tool_calls.${j}.name`]);
      if (name === null) break;
      parts.push({
        type: 'tool_call',
        id: readString(attributes[`${oi}id`]) ?? readString(attributes[`${base}tool_calls.${j}.id`]),
        name,
        arguments: jsonText(attributes[`${oi}function.arguments`] ?? attributes[`${base}tool_calls.${j}.arguments`]),
      });
    }
    if (role === null && parts.length === 0) {
      if (i === 0) return null;
      break;
    }
    const toolCallId = readString(attributes[`${base}tool_call_id`]);
    const resolvedRole = (role ?? defaultRole).toLowerCase();
    if (resolvedRole === 'tool' && toolCallId !== null) {
      const result = textOf({ role: resolvedRole, parts });
      messages.push({ role: resolvedRole, parts: [{ type: 'tool_result', id: toolCallId, name: readString(attributes[`${base}name`]), result }] });
    } else {
      messages.push({ role: resolvedRole, parts });
    }
  }
  return messages;
}

/** Vercel `ai.prompt`: JSON `{ system?, prompt?, messages? }`. */
function readVercelPrompt(raw: AttributeValue | undefined): ChatMessage[] | null {
  const parsed = parseJsonValue(raw);
  if (!isRecord(parsed)) return typeof raw === 'string' && raw !== '' ? [{ role: 'user', parts: [{ type: 'text', text: raw }] }] : null;
  const messages: ChatMessage[] = [];
  if (typeof parsed['system'] === 'string') messages.push({ role: 'system', parts: [{ type: 'text', text: parsed['system'] }] });
  if (typeof parsed['prompt'] === 'string') messages.push({ role: 'user', parts: [{ type: 'text', text: parsed['prompt'] }] });
  else if (Array.isArray(parsed['prompt'])) messages.push(...(readMessageList(parsed['prompt'] as AttributeValue) ?? []));
  if (Array.isArray(parsed['messages'])) messages.push(...(readMessageList(parsed['messages'] as AttributeValue) ?? []));
  return messages.length > 0 ? messages : null;
}

function readName(record: Record<string, unknown>): string | null {
  return firstString(record, ['name', 'toolName', 'tool_name']);
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** Arguments and results as text: strings as sent, anything else as JSON. */
function jsonText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (isRecord(value) && value['type'] === 'json' && 'value' in value) return jsonText(value['value']);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
