import { preview } from '../../canonical-text.js';
import { matchErrorPayload } from '../../error-payload.js';
import { answerMentions } from '../answer-mentions.js';
import { recoveredLater } from '../recovered-later.js';
import type { SilentFailureDraft, SilentFailureRule } from '../rule.js';

/**
 * silent_tool_error (DETECTION.md S4): a tool's result is an error payload (error field, failed
 * status, HTTP 4xx/5xx, non-zero exit code, traceback, text that starts like an error), or the
 * span carries `error.type`, while the tool span is not ERROR. A result that merely mentions
 * "error" is not one. Handled failures are not flagged: the agent called the tool again and it
 * worked, or the final answer tells the user.
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
      const callContext = `${span.tool.name} ${span.tool.arguments ?? ''}`;
      if (recoveredLater(run.trace, span) || answerMentions(finalText, span.tool.result ?? match, callContext)) continue;
      drafts.push({
        severity: 'warning',
        summary: `Tool ${span.tool.name} returned an error ("${preview(match, 80)}") but its span reports ${span.status.toUpperCase()}, so the run carried on as if it had worked.`,
        spanIds: [span.spanId],
        evidence: { rule: 'silent_tool_error', tool: span.tool.name, spanStatus: span.status, matched: match, result: preview(span.tool.result, 300), arguments: preview(span.tool.arguments, 200) },
        pattern: 'silent_tool_error',
        tool: span.tool.name,
        key: span.spanId,
      });
    }
    return drafts;
  },
};
