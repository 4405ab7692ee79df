import type { NormalizedSpan } from '../../../../model/span.js';
import type { AnalysisTrace } from '../../../analysis-trace.js';
import { preview, quotable } from '../../canonical-text.js';
import { answerMentions } from '../answer-mentions.js';
import { readExceptionEvent } from '../exception-event.js';
import { recoveredLater } from '../recovered-later.js';
import type { SilentFailureDraft, SilentFailureRule } from '../rule.js';

/**
 * masked_child_error (DETECTION.md S7): a span under the run failed (ERROR), was neither retried
 * nor repeated, and the run ended without saying so in its final answer (off when
 * `analyzer.silentFailure.maskedChildErrors` is false). Not flagged: a failure inside a tool or
 * model call that itself succeeded (the call handled it), and an ERROR parent of an ERROR child
 * (only the deepest failure is reported).
 */
export const maskedChildErrorRule: SilentFailureRule = {
  name: 'masked_child_error',
  scope: 'spans',
  check(run, options) {
    if (!options.maskedChildErrors) return [];
    const { trace, top } = run;
    const finalText = run.final?.text ?? null;
    const drafts: SilentFailureDraft[] = [];
    for (const span of trace.spans) {
      if (span.status !== 'error' || span === top) continue;
      const errorText = `${span.statusMessage} ${readExceptionEvent(span)?.message ?? ''} ${span.tool?.result ?? ''}`;
      const callContext = span.tool === null ? '' : `${span.tool.name} ${span.tool.arguments ?? ''}`;
      if (answerMentions(finalText, errorText, callContext)) continue;
      // Inside a tool or model call that itself succeeded (an HTTP 404 under a lookup tool): the
      // call handled it, and its result is what the agent saw (an error result is S4's business).
      if (handledByCall(trace, span)) continue;
      if (!isAncestorOf(trace, top, span) && trace.root !== null) continue;
      // Retried (successfully or not) or repeated: the agent noticed; a loop is tool_loop's business.
      if (recoveredLater(trace, span) || repeatedCall(trace, span)) continue;
      // Report the deepest failure only: an ERROR parent of an ERROR child is the same story.
      const children = trace.children.get(span.spanId) ?? [];
      if (children.some((child) => child.status === 'error')) continue;
      drafts.push({
        severity: 'warning',
        summary: `${span.kind === 'tool' && span.tool ? `Tool ${span.tool.name}` : `Step ${span.name}`} failed${span.statusMessage ? ` ("${quotable(span.statusMessage, 80)}")` : ''}, yet the run finished ${top.status.toUpperCase()} without retrying it or mentioning the failure.`,
        spanIds: [span.spanId, top.spanId],
        evidence: { rule: 'masked_child_error', span: span.name, statusMessage: preview(span.statusMessage, 300), rootStatus: top.status, finalAnswer: preview(finalText, 200) },
        pattern: 'masked_child_error',
        tool: span.tool?.name ?? null,
        key: span.spanId,
      });
    }
    return drafts;
  },
};

/** The next call of the same kind was the same tool or operation (a retry), or the previous one was and failed too (a failing loop). */
function repeatedCall(trace: AnalysisTrace, failed: NormalizedSpan): boolean {
  const sameKind = trace.spans.filter((span) => span.kind === failed.kind && (span.kind === 'tool' || span.kind === 'llm'));
  const index = sameKind.indexOf(failed);
  const same = (other: NormalizedSpan | undefined) =>
    other !== undefined && (other.operation === failed.operation || (failed.tool !== null && other.tool?.name === failed.tool.name));
  const previous = sameKind[index - 1];
  return index >= 0 && (same(sameKind[index + 1]) || (same(previous) && previous!.status === 'error'));
}

/** A tool or model call above `span` finished without error: the failure stayed inside it. */
function handledByCall(trace: AnalysisTrace, span: NormalizedSpan): boolean {
  const byId = new Map(trace.spans.map((item) => [item.spanId, item]));
  let parentId = span.parentSpanId;
  for (let depth = 0; parentId !== null && depth < 64; depth++) {
    const parent = byId.get(parentId);
    if (parent === undefined) return false;
    if ((parent.kind === 'tool' || parent.kind === 'llm') && parent.status !== 'error') return true;
    parentId = parent.parentSpanId;
  }
  return false;
}

function isAncestorOf(trace: AnalysisTrace, ancestor: NormalizedSpan, span: NormalizedSpan): boolean {
  const byId = new Map(trace.spans.map((item) => [item.spanId, item]));
  let current: NormalizedSpan | undefined = span;
  for (let depth = 0; current !== undefined && depth < 1000; depth++) {
    if (current.parentSpanId === ancestor.spanId) return true;
    current = current.parentSpanId === null ? undefined : byId.get(current.parentSpanId);
  }
  return false;
}
