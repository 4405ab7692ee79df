import type { AnalysisTrace } from '../analysis-trace.js';
import type { SilentFailureEvidence } from '../../model/detectors/silent-failure.js';
import type { Detector, DetectorContext, FlagDraft } from '../detector.js';
import { readSilentRun } from './silent-failure/rule.js';
import { SILENT_FAILURE_RULES } from './silent-failure/rules.js';

/**
 * `silent_failure`: the run looks fine but is not (DETECTION.md B.3). Never raised when the
 * root span (or any parentless span) is ERROR: that run failed loudly. Each rule is a file of
 * its own under silent-failure/rules/, listed once in SILENT_FAILURE_RULES:
 * silent_tool_error (S4), unrecorded_exception, masked_child_error (S7), truncated_answer (S1),
 * filtered_answer (S2), no_final_answer (S6), empty_answer (S3), refusal (S5).
 */
export const silentFailureDetector: Detector<'silent_failure'> = {
  id: 'silent_failure',
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft<SilentFailureEvidence>[] {
    const run = readSilentRun(trace);
    if (run === null) return [];
    const options = context.options.silentFailure;
    const drafts: FlagDraft<SilentFailureEvidence>[] = [];
    let finalVerdict: FlagDraft<SilentFailureEvidence> | null = null;
    for (const rule of SILENT_FAILURE_RULES) {
      if (rule.scope === 'spans') {
        drafts.push(...rule.check(run, options));
      } else if (rule.scope === 'final_turn') {
        if (finalVerdict !== null || run.final === null) continue;
        finalVerdict = rule.judge(run, run.final, options);
        if (finalVerdict !== null) drafts.push(finalVerdict);
      } else {
        const draft = rule.judge(run, finalVerdict);
        if (draft !== null) drafts.push(draft);
      }
    }
    return drafts;
  },
};
