import { traceAgentRun, traceLlmCall, traceToolCall } from '../instrument/index.js';
import type { LlmStep, RunScript, ToolStep } from './run-script.js';

/** Milliseconds between consecutive steps of a run (the agent's own bookkeeping). */
const STEP_GAP_MS = 4;

/**
 * Sends one scripted run through tracehound/instrument, exactly as an instrumented agent
 * would, but with every span's start and end time taken from the script (backdated runs).
 * Resolves when all its spans have ended. A run scripted to fail loudly throws inside the
 * agent span (recorded as ERROR) and the error is swallowed here.
 */
export async function replayRun(script: RunScript): Promise<void> {
  let clockMs = script.startMs;
  const advance = (durationMs: number) => {
    const startTime = clockMs + STEP_GAP_MS;
    clockMs = startTime + durationMs;
    return { startTime, endTime: clockMs };
  };
  const messages = [{ role: 'user', content: script.input }];

  const replayLlm = (step: LlmStep) =>
    traceLlmCall({ model: script.model, provider: script.provider, messages, ...advance(step.durationMs) }, (call) =>
      call.setResponse({
        model: `${script.model}-2026-01-15`,
        inputTokens: step.inputTokens,
        outputTokens: step.outputTokens,
        finishReasons: [step.finishReason],
        text: step.text,
        toolCalls: step.toolCalls?.map((request) => ({ name: request.name, arguments: request.args })),
      }),
    );

  const replayTool = async (step: ToolStep) => {
    try {
      await traceToolCall(
        step.name,
        step.args,
        () => {
          if (step.error !== undefined) throw new Error(step.error);
          return step.result;
        },
        advance(step.durationMs),
      );
    } catch (error) {
      if (script.error !== undefined) throw error; // the run dies of it
      // otherwise the agent catches the error and carries on
    }
  };

  try {
    await traceAgentRun(
      script.agent,
      async (run) => {
        try {
          for (const step of script.steps) await (step.type === 'llm' ? replayLlm(step) : replayTool(step));
        } finally {
          run.setEndTime(clockMs + STEP_GAP_MS);
        }
        return script.output;
      },
      { startTime: script.startMs, conversationId: script.conversationId, model: script.model, provider: script.provider, input: script.input },
    );
  } catch {
    // a loud failure, already recorded on the spans
  }
}
