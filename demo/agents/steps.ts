import type { Random } from '../../model/seeded-random.js';
import type { LlmStep, ToolCallRequest, ToolStep } from '../run-script.js';

/**
 * Step builders with the latency model the demo's baselines come from: a model turn that asks
 * for a tool takes about 0.8 s, a final answer about 1.2 s (both log-normal, σ 0.12); tools
 * take their own median (σ 0.15). Spread is kept moderate so ordinary runs stay unflagged.
 */

/** A model turn that asks for tools. */
export function toolTurn(random: Random, toolCalls: ToolCallRequest[], inputTokens: number): LlmStep {
  const outputTokens = random.int(18, 60);
  return { type: 'llm', durationMs: random.durationMs(650 + 3 * outputTokens, 0.12), inputTokens, outputTokens, finishReason: 'tool_call', toolCalls };
}

/** A final answer (finish reason `stop` unless given). */
export function answerTurn(random: Random, text: string, inputTokens: number, finishReason = 'stop', outputTokens?: number): LlmStep {
  const tokens = outputTokens ?? Math.max(1, Math.round(text.length / 4));
  return { type: 'llm', durationMs: random.durationMs(750 + 2 * Math.min(tokens, 300), 0.12), inputTokens, outputTokens: tokens, finishReason, text };
}

/** One tool call taking about `medianMs`. */
export function toolCall(random: Random, name: string, args: Record<string, unknown>, medianMs: number, result: unknown): ToolStep {
  return { type: 'tool', name, args, durationMs: random.durationMs(medianMs, 0.15), result };
}

/** A tool call that threw. */
export function failedToolCall(random: Random, name: string, args: Record<string, unknown>, medianMs: number, error: string): ToolStep {
  return { type: 'tool', name, args, durationMs: random.durationMs(medianMs, 0.15), error };
}
