import { preview, quotable } from '../../canonical-text.js';
import { readExceptionEvent } from '../exception-event.js';
import type { SilentFailureDraft, SilentFailureRule } from '../rule.js';

/**
 * unrecorded_exception: an exception event on a span whose status is not ERROR (off when
 * `analyzer.silentFailure.exceptionEvents` is false). The pattern carries the exception type.
 */
export const unrecordedExceptionRule: SilentFailureRule = {
  name: 'unrecorded_exception',
  scope: 'spans',
  check(run, options) {
    if (!options.exceptionEvents) return [];
    const drafts: SilentFailureDraft[] = [];
    for (const span of run.trace.spans) {
      if (span.status === 'error') continue;
      const exception = readExceptionEvent(span);
      if (exception === null) continue;
      drafts.push({
        severity: 'warning',
        summary: `Span ${span.name} recorded a ${exception.type} exception${exception.message ? ` ("${quotable(exception.message, 80)}")` : ''} but its status is ${span.status.toUpperCase()}.`,
        spanIds: [span.spanId],
        evidence: { rule: 'unrecorded_exception', span: span.name, spanStatus: span.status, exceptionType: exception.type, exceptionMessage: preview(exception.message, 300) },
        pattern: `unrecorded_exception:${exception.type}`,
        tool: span.tool?.name ?? null,
        key: span.spanId,
      });
    }
    return drafts;
  },
};
