import { finalTurnEvidence, type SilentFailureRule } from '../rule.js';

/** filtered_answer (DETECTION.md S2): the final answer was withheld or cut by a content filter (finish reason `content_filter`). */
export const filteredAnswerRule: SilentFailureRule = {
  name: 'filtered_answer',
  scope: 'final_turn',
  judge(_run, final) {
    if (final.llm.finishReason !== 'content_filter') return null;
    return {
      severity: 'critical',
      summary: 'The final answer was withheld or cut by the provider\'s content filter (finish reason "content_filter").',
      spanIds: [final.span.spanId],
      evidence: { rule: 'filtered_answer', ...finalTurnEvidence(final) },
      pattern: 'filtered_answer',
      tool: null,
      key: final.span.spanId,
    };
  },
};
