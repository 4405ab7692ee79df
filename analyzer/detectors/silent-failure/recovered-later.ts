import type { NormalizedSpan } from '../../../model/span.js';
import type { AnalysisTrace } from '../../analysis-trace.js';
import { matchErrorPayload } from '../error-payload.js';
import { ranCleanly, type CodeAction } from '../code-actions.js';

/**
 * The family of a tool: the first three words of its name (`find_user_id_by_email` and
 * `find_user_id_by_name_zip` are `find user id`), so an agent that found the user another way
 * recovered. Shorter names are their own family.
 */
export function toolFamily(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.slice(0, 3).join(' ');
}

/**
 * A span of the same operation, tool or tool family that started after `failed` ended (1 ms
 * clock slack) and succeeded, without an error payload: the failure was retried away (or the
 * agent got there by a sibling tool). For a failed model call, any later successful model call
 * counts (a fallback model carried on). A failed code step (one of `codeActions`, the trace's
 * code actions) is recovered only by a later step whose code ran and printed no error.
 */
export function recoveredLater(trace: AnalysisTrace, failed: NormalizedSpan, codeActions: readonly CodeAction[] = []): boolean {
  // A code agent's failed step is recovered by a later step whose code ran cleanly, not by a
  // later step that only talked.
  const index = codeActions.findIndex((action) => action.step === failed);
  if (index >= 0) return codeActions.slice(index + 1).some((later) => later.step !== null && ranCleanly(later));
  return trace.spans.some(
    (other) =>
      other !== failed &&
      other.startTimeUnixNano >= failed.endTimeUnixNano - 1_000_000n &&
      other.status !== 'error' &&
      (other.operation === failed.operation ||
        (failed.tool !== null && other.tool !== null && (other.tool.name === failed.tool.name || toolFamily(other.tool.name) === toolFamily(failed.tool.name))) ||
        (failed.kind === 'llm' && other.kind === 'llm')) &&
      matchErrorPayload(other.tool?.result ?? null) === null,
  );
}
