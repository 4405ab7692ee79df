import { finalTurnEvidence, type SilentFailureRule } from '../rule.js';

/** truncated_answer (DETECTION.md S1): the final model answer stopped at its token limit (finish reason `length`). */
export const truncatedAnswerRule: SilentFailureRule = {
  name: 'truncated_answer',
  scope: 'final_turn',
  judge(_run, final) {
    if (final.llm.finishReason !== 'length') return null;
    const tokens = final.llm.outputTokens;
    return {
      severity: 'critical',
      summary: `The final answer was cut off at the model's token limit (finish reason "length"${tokens !== null ? `, ${tokens} output tokens` : ''}).`,
      spanIds: [final.span.spanId],
      evidence: { rule: 'truncated_answer', ...finalTurnEvidence(final), answerTail: final.text === null ? null : final.text.slice(-120) },
      pattern: 'truncated_answer',
      tool: null,
      key: final.span.spanId,
    };
  },
};
