import { finalTurnEvidence, type SilentFailureRule } from '../rule.js';

/** empty_answer (DETECTION.md S3): the final answer is empty or whitespace, and the turn asked for no tool. */
export const emptyAnswerRule: SilentFailureRule = {
  name: 'empty_answer',
  scope: 'final_turn',
  judge(_run, final) {
    const text = final.text;
    if (final.asksForTools || text === null || text.trim() !== '') return null;
    return {
      severity: 'critical',
      summary: `The final answer is empty (${text.length === 0 ? 'no text' : 'whitespace only'}) although the model call ${final.span.status === 'error' ? 'failed' : 'succeeded'}.`,
      spanIds: [final.span.spanId],
      evidence: { rule: 'empty_answer', ...finalTurnEvidence(final), outputLength: text.length },
      pattern: 'empty_answer',
      tool: null,
      key: final.span.spanId,
    };
  },
};
