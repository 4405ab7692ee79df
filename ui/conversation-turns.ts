import type { ChatMessage, ChatPart, ChatTranscript } from '../model/conversation/chat-messages.js';
import { textOf } from '../model/conversation/chat-messages.js';

/** One model call as the conversation view needs it. */
export interface ModelCallInput {
  spanId: string;
  model: string | null;
  startMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  transcript: ChatTranscript | null;
}

/** One tool span, for results the messages do not carry. */
export interface ToolSpanInput {
  spanId: string;
  name: string;
  arguments: string | null;
  result: string | null;
  status: string;
  startMs: number;
}

/** A tool call part with its result found (from a tool message or the tool's span). */
export type TurnPart = Exclude<ChatPart, { type: 'tool_call' }> | (Extract<ChatPart, { type: 'tool_call' }> & { result: string | null; resultSpanId: string | null; failed: boolean });

export interface Turn {
  role: string;
  parts: TurnPart[];
}

export interface CallBlock {
  spanId: string;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** The system prompt, shown only when it differs from the previous call's. */
  system: string | null;
  /** Input messages shared with the previous call's input and answer: shown above, not again. */
  repeatedCount: number;
  /** The input messages new to this call. */
  input: Turn[];
  output: Turn[];
  /** False when the span carried no messages (content capture off). */
  captured: boolean;
}

/**
 * Turns a run's model calls into chat blocks, each showing only what is new to it: a call's input
 * usually repeats the whole conversation so far, so the messages it shares (as a prefix) with the
 * previous call's input and answer are counted, not shown again. A tool call is shown with its
 * result (the tool message answering its id, else the next unused tool span of the same name), and
 * tool messages paired that way are not shown a second time. Pure.
 */
export function buildCallBlocks(calls: readonly ModelCallInput[], tools: readonly ToolSpanInput[]): CallBlock[] {
  const resultsById = new Map<string, string>();
  for (const call of calls) {
    for (const message of [...(call.transcript?.input ?? []), ...(call.transcript?.output ?? [])]) {
      for (const part of message.parts) if (part.type === 'tool_result' && part.id !== null && !resultsById.has(part.id)) resultsById.set(part.id, part.result);
    }
  }
  const unusedTools = [...tools].sort((a, b) => a.startMs - b.startMs);
  const pairedIds = new Set<string>();
  const pair = (part: Extract<ChatPart, { type: 'tool_call' }>, afterMs: number): TurnPart => {
    const toolIndex = unusedTools.findIndex((tool) => tool.name === part.name && tool.startMs >= afterMs - 1);
    const tool = toolIndex >= 0 ? unusedTools.splice(toolIndex, 1)[0]! : null;
    const fromMessage = part.id !== null ? resultsById.get(part.id) : undefined;
    if (fromMessage !== undefined && part.id !== null) pairedIds.add(part.id);
    return {
      ...part,
      result: fromMessage ?? tool?.result ?? null,
      resultSpanId: tool?.spanId ?? null,
      failed: tool?.status === 'error',
    };
  };

  const blocks: CallBlock[] = [];
  let previous: ChatMessage[] = [];
  let previousSystem: string | null = null;
  for (const call of calls) {
    const transcript = call.transcript;
    if (transcript === null) {
      blocks.push({ spanId: call.spanId, model: call.model, inputTokens: call.inputTokens, outputTokens: call.outputTokens, system: null, repeatedCount: 0, input: [], output: [], captured: false });
      continue;
    }
    const repeatedCount = commonPrefix(previous, transcript.input);
    const toTurn = (message: ChatMessage): Turn => ({
      role: message.role,
      parts: message.parts.filter((part) => !(part.type === 'text' && part.text.trim() === '')).map((part) => (part.type === 'tool_call' ? pair(part, call.startMs) : part)),
    });
    blocks.push({
      spanId: call.spanId,
      model: call.model,
      inputTokens: call.inputTokens,
      outputTokens: call.outputTokens,
      system: transcript.system !== previousSystem ? transcript.system : null,
      repeatedCount,
      input: transcript.input.slice(repeatedCount).map(toTurn),
      output: transcript.output.map(toTurn),
      captured: true,
    });
    previous = [...transcript.input, ...transcript.output];
    previousSystem = transcript.system;
  }
  // Tool messages whose result is already shown under its call are left out.
  for (const block of blocks) {
    block.input = block.input
      .map((turn) => ({ ...turn, parts: turn.parts.filter((part) => !(part.type === 'tool_result' && part.id !== null && pairedIds.has(part.id))) }))
      .filter((turn) => turn.parts.length > 0);
  }
  return blocks;
}

function commonPrefix(previous: readonly ChatMessage[], next: readonly ChatMessage[]): number {
  let count = 0;
  while (count < previous.length && count < next.length && sameMessage(previous[count]!, next[count]!)) count++;
  return count;
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  if (a.role !== b.role) return false;
  if (textOf(a) !== textOf(b)) return false;
  const calls = (message: ChatMessage) => message.parts.filter((part) => part.type !== 'text').map((part) => (part.type === 'tool_call' ? `${part.name}:${part.id}` : part.type === 'tool_result' ? `r:${part.id}` : '')).join('|');
  return calls(a) === calls(b);
}
