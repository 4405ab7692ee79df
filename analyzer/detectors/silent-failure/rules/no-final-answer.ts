import { isFinalAnswerCall } from '../../../../model/normalize/final-answer.js';
import { readRunOutputText } from '../../../../model/normalize/run-output.js';
import { preview } from '../../canonical-text.js';
import { GIVE_UP } from '../give-up-text.js';
import type { NormalizedSpan } from '../../../../model/span.js';
import { finalTurnEvidence, type FinalTurn, type SilentFailureRule } from '../rule.js';

/**
 * no_final_answer (DETECTION.md S6), on the final model turn: the turn asked for tools and no
 * model call followed (the run ended on a tool call; pattern `no_final_answer`), or the turn's
 * text is a framework's give-up string (pattern `gave_up`). The run's own give-up output is
 * gave-up-run-output.ts. A run that ended on a tool call still answered when that call was a
 * final-answer tool, a hand-over or a submit command (model/normalize/final-answer.ts), or when
 * the run's own span records an output other than the turn's text (the framework's record of
 * the answer: a FINAL ANSWER, a submitted diff).
 */
export const noFinalAnswerRule: SilentFailureRule = {
  name: 'no_final_answer',
  scope: 'final_turn',
  judge(run, final) {
    const base = finalTurnEvidence(final);
    if (final.asksForTools && final.toolsAfter.length > 0 && !answeredAnyway(run.top, final)) {
      const lastTool = final.toolsAfter[final.toolsAfter.length - 1]!;
      const lastToolName = lastTool.tool?.name ?? lastTool.name;
      return {
        severity: 'critical',
        summary: `The run ended on a tool call (${lastToolName}) with no model reply after it, so no final answer was given.`,
        spanIds: [lastTool.spanId, final.span.spanId],
        evidence: { rule: 'no_final_answer', ...base, lastTool: lastToolName, toolCallsAfterLastModelCall: final.toolsAfter.length },
        pattern: 'no_final_answer',
        tool: lastTool.tool?.name ?? null,
        key: final.span.spanId,
      };
    }
    const gaveUp = final.text === null ? null : GIVE_UP.exec(final.text);
    if (gaveUp === null) return null;
    return {
      severity: 'critical',
      summary: `The agent gave up ("${gaveUp[0]}") instead of answering.`,
      spanIds: [final.span.spanId],
      evidence: { rule: 'no_final_answer', ...base, answer: preview(final.text, 200) },
      pattern: 'gave_up',
      tool: null,
      key: final.span.spanId,
    };
  },
};

/** The run gave its answer another way: a final-answer tool ran after the turn, or the run's span records its own output. */
function answeredAnyway(top: NormalizedSpan, final: FinalTurn): boolean {
  if (final.toolsAfter.some((span) => span.tool !== null && isFinalAnswerCall(span.tool.name, span.tool.arguments))) return true;
  if (top.kind !== 'agent' && top.parentSpanId !== null) return false;
  const output = readRunOutputText(top.attributes);
  return output !== null && output.trim() !== '' && output.trim() !== (final.text ?? '').trim();
}
