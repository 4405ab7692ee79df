import type { AttributeValue, Attributes } from '../otlp.js';
import { isRecord, parseJsonValue } from './attribute-values.js';

/**
 * GenAI content sent as events (log records on /v1/logs, or span events) instead of span
 * attributes, turned into the span attributes that say the same (CONVENTIONS.md §4.1, §4.7):
 *
 * - `gen_ai.client.inference.operation.details` (current, opt-in): its `gen_ai.input.messages`,
 *   `gen_ai.output.messages`, `gen_ai.system_instructions` and `gen_ai.tool.definitions`
 *   attributes are copied (several such events for one span: the later one wins per key).
 * - the deprecated per-message events (semconv ≤ 1.36, still sent by e.g.
 *   @opentelemetry/instrumentation-openai): `gen_ai.system.message` → system instructions;
 *   `gen_ai.user.message`, `gen_ai.assistant.message` (text and `tool_calls`),
 *   `gen_ai.tool.message` (`id`, `content`) → input messages in order; `gen_ai.choice`
 *   (`index`, `finish_reason`, `message`) → output messages by index.
 *
 * The result uses the ≥ 1.37 message shape (`[{role, parts: [{type: 'text', content} |
 * {type: 'tool_call', id, name, arguments} | {type: 'tool_call_response', id, response}],
 * finish_reason}]`) as JSON text, so normalisation, detectors and the web view read it exactly
 * as if the sender had put it on the span.
 */

export const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
const PER_MESSAGE_EVENTS = ['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice'] as const;
const CONTENT_EVENTS: ReadonlySet<string> = new Set([OPERATION_DETAILS_EVENT, ...PER_MESSAGE_EVENTS]);
const DETAIL_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'] as const;

/** The span attribute listing the keys this module added (so a later event can recompute them). */
export const CONTENT_FROM_EVENTS_ATTRIBUTE = 'tracehound.content_from_events';

/** One content event, wherever it came from. */
export interface GenAiContentEvent {
  name: string;
  /** Nanoseconds; orders the per-message events (ties keep the given order). */
  timeUnixNano: bigint;
  attributes: Attributes;
  body: AttributeValue;
}

/** A log record's event name: its `event_name` field, else its `event.name` attribute ('' when neither). */
export function eventNameOf(eventName: string, attributes: Attributes): string {
  if (eventName !== '') return eventName;
  const attribute = attributes['event.name'];
  return typeof attribute === 'string' ? attribute : '';
}

export function isGenAiContentEvent(name: string): boolean {
  return CONTENT_EVENTS.has(name);
}

/** A span's events as content events: a span event has no body, so its attributes are read as one. */
export function spanEventsAsContent(events: readonly { name: string; timeUnixNano: bigint; attributes: Attributes }[]): GenAiContentEvent[] {
  return events.filter((event) => CONTENT_EVENTS.has(event.name)).map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano, attributes: event.attributes, body: event.attributes }));
}

/**
 * The span attributes `events` amount to (empty when none is a content event). Pure; bounded
 * by the events' own size.
 */
export function genAiEventAttributes(events: readonly GenAiContentEvent[]): Attributes {
  const out: Attributes = {};
  const ordered = events.filter((event) => CONTENT_EVENTS.has(event.name)).sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
  const system: unknown[] = [];
  const input: unknown[] = [];
  const choices: [number, unknown][] = [];
  for (const event of ordered) {
    if (event.name === OPERATION_DETAILS_EVENT) {
      for (const key of DETAIL_KEYS) if (event.attributes[key] !== undefined && event.attributes[key] !== null) out[key] = asJsonText(event.attributes[key]);
      continue;
    }
    const body = isRecord(event.body) ? event.body : {};
    switch (event.name) {
      case 'gen_ai.system.message':
        system.push(...textParts(body['content']));
        break;
      case 'gen_ai.user.message':
        input.push({ role: 'user', parts: textParts(body['content']) });
        break;
      case 'gen_ai.assistant.message':
        input.push({ role: 'assistant', parts: [...textParts(body['content']), ...toolCallParts(body['tool_calls'])] });
        break;
      case 'gen_ai.tool.message':
        input.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: typeof body['id'] === 'string' ? body['id'] : null, response: body['content'] ?? null }] });
        break;
      case 'gen_ai.choice': {
        const message = isRecord(body['message']) ? body['message'] : {};
        const index = typeof body['index'] === 'number' ? body['index'] : choices.length;
        const output: Record<string, unknown> = { role: 'assistant', parts: [...textParts(message['content']), ...toolCallParts(message['tool_calls'])] };
        if (typeof body['finish_reason'] === 'string') output['finish_reason'] = body['finish_reason'];
        choices.push([index, output]);
        break;
      }
    }
  }
  if (system.length > 0 && out['gen_ai.system_instructions'] === undefined) out['gen_ai.system_instructions'] = JSON.stringify(system);
  if (input.length > 0 && out['gen_ai.input.messages'] === undefined) out['gen_ai.input.messages'] = JSON.stringify(input);
  if (choices.length > 0 && out['gen_ai.output.messages'] === undefined) {
    out['gen_ai.output.messages'] = JSON.stringify(choices.sort((a, b) => a[0] - b[0]).map(([, message]) => message));
  }
  return out;
}

/**
 * `attributes` with the content `events` carry added, for keys the span does not set itself
 * (what the sender put on the span wins). Keys added earlier by this function (listed in
 * CONTENT_FROM_EVENTS_ATTRIBUTE) are recomputed, so it may run again as more events arrive.
 * Returns `attributes` itself when nothing changes.
 */
export function withGenAiEventContent(attributes: Attributes, events: readonly GenAiContentEvent[]): Attributes {
  const derived = genAiEventAttributes(events);
  const previous = attributes[CONTENT_FROM_EVENTS_ATTRIBUTE];
  const previousKeys = Array.isArray(previous) ? previous.filter((key): key is string => typeof key === 'string') : [];
  if (Object.keys(derived).length === 0 && previousKeys.length === 0) return attributes;
  const merged: Attributes = { ...attributes };
  for (const key of previousKeys) delete merged[key];
  delete merged[CONTENT_FROM_EVENTS_ATTRIBUTE];
  const added: string[] = [];
  for (const [key, value] of Object.entries(derived)) {
    if (merged[key] !== undefined) continue;
    merged[key] = value;
    added.push(key);
  }
  if (added.length > 0) merged[CONTENT_FROM_EVENTS_ATTRIBUTE] = added;
  return merged;
}

function asJsonText(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `content` as text parts: a string, or OpenAI-style `[{type: 'text', text}]` parts. */
function textParts(content: unknown): { type: 'text'; content: string }[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  const parsed = Array.isArray(content) ? content : parseJsonValue(content as AttributeValue);
  if (!Array.isArray(parsed)) return [];
  const parts: { type: 'text'; content: string }[] = [];
  for (const part of parsed) {
    if (typeof part === 'string') parts.push({ type: 'text', content: part });
    else if (isRecord(part) && typeof part['text'] === 'string') parts.push({ type: 'text', content: part['text'] });
    else if (isRecord(part) && typeof part['content'] === 'string') parts.push({ type: 'text', content: part['content'] });
  }
  return parts;
}

/** OpenAI-style `tool_calls: [{id, type, function: {name, arguments}}]` as tool_call parts. */
function toolCallParts(toolCalls: unknown): { type: 'tool_call'; id: string | null; name: string; arguments: unknown }[] {
  if (!Array.isArray(toolCalls)) return [];
  const parts: { type: 'tool_call'; id: string | null; name: string; arguments: unknown }[] = [];
  for (const call of toolCalls) {
    if (!isRecord(call)) continue;
    const fn = isRecord(call['function']) ? call['function'] : call;
    if (typeof fn['name'] !== 'string') continue;
    parts.push({ type: 'tool_call', id: typeof call['id'] === 'string' ? call['id'] : null, name: fn['name'], arguments: fn['arguments'] ?? null });
  }
  return parts;
}
