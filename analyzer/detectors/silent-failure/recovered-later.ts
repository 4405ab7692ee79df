import type { NormalizedSpan } from '../../../model/span.js';
import type { AnalysisTrace } from '../../analysis-trace.js';
import { matchErrorPayload } from '../error-payload.js';

/**
 * A span of the same operation (or tool) that started after `failed` ended (1 ms clock slack)
 * and succeeded, without an error payload: the failure was retried away. For a failed model
 * call, any later successful model call counts (a fallback model carried on).
 */
export function recoveredLater(trace: AnalysisTrace, failed: NormalizedSpan): boolean {
  return trace.spans.some(
    (other) =>
      other !== failed &&
      other.startTimeUnixNano >= failed.endTimeUnixNano - 1_000_000n &&
      other.status !== 'error' &&
      (other.operation === failed.operation || (failed.tool !== null && other.tool?.name === failed.tool.name) || (failed.kind === 'llm' && other.kind === 'llm')) &&
      matchErrorPayload(other.tool?.result ?? null) === null,
  );
}
