import { readRunOutputText } from '../../../../model/normalize/run-output.js';
import { preview } from '../../canonical-text.js';
import { GIVE_UP } from '../give-up-text.js';
import type { SilentFailureRule } from '../rule.js';

/**
 * no_final_answer (DETECTION.md S6), on the run's own output: the agent span (or root) recorded
 * a framework's give-up string as its output (an agent executor's give-up is not a model's
 * answer). Not raised twice: skipped when the final turn was already judged `gave_up` or
 * `no_final_answer`.
 */
export const gaveUpRunOutputRule: SilentFailureRule = {
  name: 'no_final_answer',
  scope: 'run_output',
  judge(run, finalVerdict) {
    const { top, trace } = run;
    const runOutput = top.kind === 'agent' || top === trace.root ? readRunOutputText(top.attributes) : null;
    const gaveUp = runOutput !== null ? GIVE_UP.exec(runOutput) : null;
    if (gaveUp === null) return null;
    if (finalVerdict !== null && (finalVerdict.pattern === 'gave_up' || finalVerdict.pattern === 'no_final_answer')) return null;
    return {
      severity: 'critical',
      summary: `The agent gave up ("${gaveUp[0]}") instead of answering.`,
      spanIds: [top.spanId],
      evidence: { rule: 'no_final_answer', span: top.name, answer: preview(runOutput, 200) },
      pattern: 'gave_up',
      tool: null,
      key: top.spanId,
    };
  },
};
