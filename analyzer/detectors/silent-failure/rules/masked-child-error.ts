import type { NormalizedSpan } from '../../../../model/span.js';
import type { AnalysisTrace } from '../../../analysis-trace.js';
import { preview, quotable } from '../../canonical-text.js';
import { answerMentions } from '../answer-mentions.js';
import { readExceptionEvent } from '../exception-event.js';
import { readCodeActions } from '../../code-actions.js';
import { recoveredLater } from '../recovered-later.js';
import type { SilentFailureDraft, SilentFailureRule } from '../rule.js';

/**
 * masked_child_error (DETECTION.md S7): a span under the run failed (ERROR), was not retried
 * into success, and the run ended without saying so in its final answer (off when
 * `analyzer.silentFailure.maskedChildErrors` is false). Not flagged: a failure inside a tool or
 * model call that itself succeeded (the call handled it), an ERROR parent of an ERROR child
 * (only the deepest failure is reported), and 3+ failures in a row of one tool (tool_loop's
 * failing-call flag); 2 failures in a row are one flag, on the last.
 */
export const maskedChildErrorRule: SilentFailureRule = {
  name: 'masked_child_error',
  scope: 'spans',
  check(run, options) {
    if (!options.maskedChildErrors) return [];
    const { trace, top } = run;
    const finalText = run.final?.text ?? null;
    const drafts: SilentFailureDraft[] = [];
    const codeSteps = readCodeActions(trace);
    // The answer told the user about this failure. Only a reply written after the failure can
    // (a code step's own model call, inside the step, wrote the code that failed); the failing
    // call's own words (a tool's name and arguments, a code step's code) describe the task.
    const told = (span: NormalizedSpan): boolean => {
      const errorText = `${span.statusMessage} ${readExceptionEvent(span)?.message ?? ''} ${span.tool?.result ?? ''}`;
      const callContext = span.tool !== null ? `${span.tool.name} ${span.tool.arguments ?? ''}` : (codeSteps.find((action) => action.step === span)?.code ?? '');
      const finalAfter = run.final !== null && run.final.span.startTimeUnixNano >= span.endTimeUnixNano - 1_000_000n;
      return finalAfter && answerMentions(finalText, errorText, callContext);
    };
    for (const span of trace.spans) {
      if (span.status !== 'error' || span === top) continue;
      if (told(span)) continue;
      // Inside a tool or model call that itself succeeded (an HTTP 404 under a lookup tool): the
      // call handled it, and its result is what the agent saw (an error result is S4's business).
      if (handledByCall(trace, span)) continue;
      if (!isAncestorOf(trace, top, span) && trace.root !== null) continue;
      // Retried until it worked: handled. Failing again and again is one story, not one per
      // call: a streak of FAILING_LOOP or more is tool_loop's flag (with its count and cost);
      // a shorter one is flagged here once, on its last failure not told — "it was retried" is no excuse
      // when the retries failed too.
      if (recoveredLater(trace, span, codeSteps)) continue;
      // The streak's flag goes on its last failure the answer did not tell about.
      const streak = failureStreak(trace, span);
      if (streak.length >= FAILING_LOOP || streak.slice(streak.indexOf(span) + 1).some((later) => !told(later))) continue;
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

/** Failures in a row that tool_loop reports as one loop (its default `minErrorRepeats`). */
const FAILING_LOOP = 3;

/**
 * The failed calls in a row around `failed`: calls of the same kind and the same tool or
 * operation, each ERROR, with no other call of that tool or operation between.
 */
function failureStreak(trace: AnalysisTrace, failed: NormalizedSpan): NormalizedSpan[] {
  const same = trace.spans.filter(
    (span) => span.kind === failed.kind && (span.operation === failed.operation || (failed.tool !== null && span.tool?.name === failed.tool.name)),
  );
  const index = same.indexOf(failed);
  if (index < 0) return [failed];
  let from = index;
  let to = index;
  while (from > 0 && same[from - 1]!.status === 'error') from--;
  while (to + 1 < same.length && same[to + 1]!.status === 'error') to++;
  return same.slice(from, to + 1);
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
