import type { Attributes } from '../otlp.js';
import type { LlmCall, SpanKind, ToolCall } from '../span.js';
import { isRecord, parseJsonValue, readText } from '../normalize/attribute-values.js';
import { readRunOutputText } from '../normalize/run-output.js';
import { readChatTranscript, textOf, type ChatMessage } from './chat-messages.js';

/**
 * What a span says in words, read once at ingest: the input and answer it can give its run, and
 * the text full-text search indexes (prompts, answers, tool arguments and results).
 *
 * Contract: pure and total; each text is at most MAX_TEXT_CHARS (the run's input and answer as
 * shown in lists) or MAX_SEARCH_CHARS (the indexed text) characters.
 */
export interface SpanTexts {
  /** The input this span can stand for as its run's input; null when it has none. */
  input: string | null;
  /** The answer this span can stand for as its run's final answer; null when it has none. */
  output: string | null;
  /** Words to index for full-text search ('' when none). */
  searchable: string;
}

export const MAX_TEXT_CHARS = 4000;
export const MAX_SEARCH_CHARS = 32_000;

export interface SpanTextSource {
  kind: SpanKind;
  attributes: Attributes;
  llm: LlmCall | null;
  tool: ToolCall | null;
}

const NONE: SpanTexts = { input: null, output: null, searchable: '' };

export function readSpanTexts(span: SpanTextSource): SpanTexts {
  switch (span.kind) {
    case 'llm':
      return readModelCallTexts(span);
    case 'tool': {
      const tool = span.tool;
      if (tool === null) return NONE;
      return { input: null, output: null, searchable: bound([tool.name, tool.arguments ?? '', tool.result ?? ''].join('\n'), MAX_SEARCH_CHARS) };
    }
    case 'agent': {
      const input = readAgentInput(span.attributes);
      const output = nonEmpty(readRunOutputText(span.attributes));
      return {
        input: input === null ? null : bound(input, MAX_TEXT_CHARS),
        output: output === null ? null : bound(output, MAX_TEXT_CHARS),
        searchable: bound([input ?? '', output ?? ''].join('\n').trim(), MAX_SEARCH_CHARS),
      };
    }
    default:
      return NONE;
  }
}

function readModelCallTexts(span: SpanTextSource): SpanTexts {
  const transcript = readChatTranscript(span.attributes);
  const outputText = nonEmpty(span.llm?.outputText ?? null);
  if (transcript === null) {
    return { input: null, output: outputText === null ? null : bound(outputText, MAX_TEXT_CHARS), searchable: bound(outputText ?? '', MAX_SEARCH_CHARS) };
  }
  const firstUser = transcript.input.find((message) => message.role === 'user' && textOf(message) !== '');
  const words: string[] = [];
  if (transcript.system !== null) words.push(transcript.system);
  for (const message of [...transcript.input, ...transcript.output]) words.push(...messageWords(message));
  // A call recorded with input messages but its answer only as output text is still searchable by that answer.
  if (transcript.output.length === 0 && outputText !== null) words.push(outputText);
  const answer = outputText ?? nonEmpty(transcript.output.map(textOf).join('\n'));
  return {
    input: firstUser === undefined ? null : bound(textOf(firstUser), MAX_TEXT_CHARS),
    output: answer === null ? null : bound(answer, MAX_TEXT_CHARS),
    searchable: bound(words.join('\n'), MAX_SEARCH_CHARS),
  };
}

function messageWords(message: ChatMessage): string[] {
  return message.parts.map((part) => (part.type === 'text' ? part.text : part.type === 'tool_call' ? `${part.name} ${part.arguments}` : part.result));
}

/**
 * An agent span's input: GenAI input messages (the first user message), OpenInference
 * `input.value`, Traceloop `traceloop.entity.input`, Vercel `ai.prompt` (its `prompt`, else its
 * first user message). JSON objects give their `input`/`question`/`prompt`/`query`/`text` field.
 */
function readAgentInput(attributes: Attributes): string | null {
  const transcript = readChatTranscript(attributes);
  const firstUser = transcript?.input.find((message) => message.role === 'user' && textOf(message) !== '');
  if (firstUser !== undefined) return textOf(firstUser);
  for (const key of ['input.value', 'traceloop.entity.input']) {
    const raw = attributes[key];
    if (raw === undefined || raw === null) continue;
    const parsed = parseJsonValue(raw);
    if (typeof parsed === 'string' && parsed !== '') return parsed;
    if (isRecord(parsed)) {
      for (const field of ['input', 'question', 'prompt', 'query', 'text', 'message', 'content']) {
        const value = parsed[field];
        if (typeof value === 'string' && value !== '') return value;
      }
      const args = parsed['args'];
      if (Array.isArray(args) && typeof args[0] === 'string' && args[0] !== '') return args[0];
    }
    const text = nonEmpty(readText(raw));
    if (text !== null) return text;
  }
  return null;
}

function nonEmpty(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : text;
}

function bound(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}
