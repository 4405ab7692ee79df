import { preview, quotable } from '../../canonical-text.js';
import { matchErrorPayload } from '../../error-payload.js';
import { answerMentions } from '../answer-mentions.js';
import { recoveredLater } from '../recovered-later.js';
import type { SilentFailureDraft, SilentFailureRule } from '../rule.js';
import { codeRunError, ranCleanly, readCodeActions } from '../../code-actions.js';

/**
 * silent_tool_error (DETECTION.md S4): a tool's result is an error payload (error field, failed
 * status, HTTP 4xx/5xx, non-zero exit code, traceback, text that starts like an error), or the
 * span carries `error.type`, while the tool span is not ERROR. A result that merely mentions
 * "error" is not one. A failure retried away is not flagged: the agent called the tool (or a
 * sibling) again and it worked. One left standing is, even when a reply tells the user: "a tool
 * error under a run that did not fail" (DETECTION.md S4 has no such excuse). For a code agent's
 * steps that called no tool (all of them when the trace has no tool span), what the step's code
 * printed (the step span's output) is judged the same way, as tool `code`.
 */
export const silentToolErrorRule: SilentFailureRule = {
  name: 'silent_tool_error',
  scope: 'spans',
  check(run) {
    const drafts: SilentFailureDraft[] = [];
    const finalText = run.final?.text ?? null;
    for (const span of run.trace.spans) {
      if (span.kind !== 'tool' || span.tool === null || span.status === 'error') continue;
      const errorType = span.attributes['error.type'];
      const match = matchErrorPayload(span.tool.result) ?? (typeof errorType === 'string' && errorType !== '' ? `error.type: ${errorType}` : null);
      if (match === null) continue;
      if (recoveredLater(run.trace, span)) continue;
      drafts.push({
        severity: 'warning',
        summary: `Tool ${span.tool.name} returned an error ("${quotable(match, 80)}") but its span reports ${span.status.toUpperCase()}, so the run carried on as if it had worked.`,
        spanIds: [span.spanId],
        evidence: { rule: 'silent_tool_error', tool: span.tool.name, spanStatus: span.status, matched: match, result: preview(span.tool.result, 300), arguments: preview(span.tool.arguments, 200) },
        pattern: 'silent_tool_error',
        tool: span.tool.name,
        key: span.spanId,
      });
    }
    if (drafts.length > 0) return drafts;
    // Code steps that called no tool: what their code printed is the result. A step that failed
    // (ERROR) is masked_child_error's; without tool spans at all, every turn's code counts.
    const hasTools = run.trace.spans.some((span) => span.kind === 'tool');
    const actions = readCodeActions(run.trace).filter((action) => action.tools.length === 0 && (!hasTools || (action.step !== null && action.ran)));
    actions.forEach((action, index) => {
      if (action.observation === null || action.step?.status === 'error') return;
      const match = codeRunError(action.observation);
      if (match === null) return;
      // Handled: a later step's code ran cleanly, or the final answer tells the user.
      if (actions.slice(index + 1).some((later) => ranCleanly(later))) return;
      if (answerMentions(finalText, action.observation, action.code)) return;
      const step = action.span.parentSpanId ?? action.span.spanId;
      drafts.push({
        severity: 'warning',
        summary: `The code the agent ran failed ("${quotable(match, 80)}") and no later step ran cleanly, yet the run carried on to its answer as if it had worked.`,
        spanIds: [step, action.span.spanId],
        evidence: { rule: 'silent_tool_error', tool: 'code', spanStatus: action.span.status, matched: match, result: preview(action.observation, 300), arguments: preview(action.code, 200) },
        pattern: 'silent_tool_error',
        tool: 'code',
        key: action.span.spanId,
      });
    });
    return drafts;
  },
};
