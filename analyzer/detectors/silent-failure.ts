import type { NormalizedSpan } from '../../model/span.js';
import type { AnalysisTrace } from '../analysis-trace.js';
import type { Detector, DetectorContext, FlagDraft } from '../detector.js';
import { readRunOutputText } from '../../model/normalize/run-output.js';
import { preview } from './canonical-text.js';
import { matchErrorPayload } from './error-payload.js';

/**
 * `silent_failure`: the run looks fine but is not (DETECTION.md B.3). Never raised when the
 * root span is ERROR: that run failed loudly.
 * - silent_tool_error (S4): a tool's result is an error payload (error field, failed status,
 *   HTTP 4xx/5xx, non-zero exit code, traceback, text that starts like an error), or the span
 *   carries `error.type`, while the tool span is not ERROR. A result that merely mentions
 *   "error" is not one.
 * - unrecorded_exception: an exception event on a span whose status is not ERROR.
 * - masked_child_error (S7): a span failed (ERROR), was neither retried nor repeated, and the run
 *   ended without saying so in its final answer.
 * - truncated_answer (S1): the final model answer stopped at its token limit (finish reason length).
 * - filtered_answer (S2): the final answer was cut by a content filter.
 * - empty_answer (S3): the final answer is empty or whitespace, with no tool call requested.
 * - refusal (S5): the final answer is a short refusal ("I'm sorry, but I can't help with that"),
 *   or the provider says so (finish reason `refusal`, Anthropic's stop reason).
 * - no_final_answer (S6): the model's last turn asked for tools and no model call followed (the
 *   run ended on a tool call), or the answer is a framework's give-up string.
 */

const REFUSAL_OPENING = /^(?:i['’]?m sorry|i am sorry|sorry|i apologi[sz]e|my apologies|unfortunately|i['’]?m afraid|i am afraid|as an ai|as a language model|i cannot|i can['’]?t|i can not|i['’]?m unable|i am unable|i['’]?m not able|i am not able|i won['’]?t|i will not|i must decline|i['’]?m not (?:allowed|permitted)|i am not (?:allowed|permitted))/i;
/**
 * "can't / unable to / won't" followed by an action an assistant or agent would be asked to do:
 * the sentence declines it. Idioms ("can't wait", "can't promise sunshine") are not actions.
 */
const REFUSAL_VERB =
  /\b(?:can(?:not|['’]?t| not)|unable to|not able to|won['’]?t|will not|must decline|not (?:allowed|permitted) to|decline to)\s+(?:(?:help|assist|comply|fulfil+|provide|do|support|answer|engage|share|complete|process|continue|proceed|perform|generate|create|give|discuss|write|produce|offer|participate|respond|handle|carry out|access|look up|retrieve|find|book|make|log ?in(?:to)?|sign ?in(?:to)?|purchase|buy|pay|send|execute|run|open|browse|visit|navigate|modify|delete|change|contact|order|transfer|reveal|disclose|interact|view|read|check|confirm|place|submit|cancel|edit|update|install|download|upload|search|browse|connect|reach|get|fetch|recommend|advise|give)\b|with\b)/i;
const DECLINE = /\b(?:must|have to|need to) decline\b|\bdecline (?:this|that|your) request\b|\bnot something i can (?:help|assist|do)\b/i;
const GIVE_UP = /Agent stopped due to (?:iteration limit|max iterations)|GraphRecursionError|Recursion limit of \d+ reached/i;
const ACKNOWLEDGES_FAILURE =
  /\b(?:fail(?:ed|ure|s)? to|failed(?=[.,;:!)]|\s+(?:because|due|with|again|so|but|and|when|while)\b)|unable to|could ?n['’]?t|could not|can['’]?t|cannot|(?:is|was|were|are) (?:currently |temporarily )?(?:unavailable|not available|not responding)|did(?: not|n['’]t) (?:work|go through|succeed|complete)|not (?:able|possible) to|sorry|apologi[sz]e|unfortunately|went wrong|timed out|(?:was|were) (?:rejected|declined|denied|refused)|(?:ran into|hit|had|got|encountered|returned|there was) an? (?:[a-z-]+ )?(?:error|problem|failure)|an error (?:occurred|came back|was returned)|errored)\b/i;
/** Words too common to show that an answer talks about a particular failure. */
const STOPWORDS = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'your', 'have', 'has', 'was', 'were', 'are', 'not', 'but', 'you', 'error', 'failed', 'request', 'response', 'null', 'true', 'false', 'message', 'code', 'status']);

function contentWords(text: string): Set<string> {
  const words = text.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').toLowerCase().match(/[\p{L}][\p{L}\p{N}]{3,}/gu) ?? [];
  return new Set(words.filter((word) => !STOPWORDS.has(word)));
}

/**
 * The final answer talks about this failure: it uses failure words, or it repeats at least two
 * distinctive words of the error (the answer "Hotel Alma has no rooms left" for "no rooms
 * left at Hotel Alma"). Words the error shares with `context` — the call's own tool name and
 * arguments — describe the task, not the failure: an answer claiming "your refund for order
 * B-7 is on its way" does not mention the error "refund_order: order B-7 rejected".
 */
function answerMentions(answer: string | null, errorText: string, context = ''): boolean {
  if (answer === null || answer.trim() === '') return false;
  if (ACKNOWLEDGES_FAILURE.test(answer)) return true;
  const errorWords = contentWords(errorText);
  for (const word of contentWords(context)) errorWords.delete(word);
  if (errorWords.size === 0) return false;
  let shared = 0;
  for (const word of contentWords(answer)) if (errorWords.has(word) && ++shared >= 2) return true;
  return false;
}

/** Characters after the refusal's own sentence beyond which the answer is help that opens with an apology. */
const REFUSAL_TAIL_MAX_CHARS = 200;

function isRefusal(text: string, maxChars: number): boolean {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > maxChars) return false;
  const head = trimmed.slice(0, 240);
  let marker = DECLINE.exec(head);
  if (marker === null) {
    if (!REFUSAL_OPENING.test(head)) return false;
    marker = REFUSAL_VERB.exec(head) ?? /^as an ai\b/i.exec(head);
  }
  if (marker === null) return false;
  // A refusal says little beyond the sentence that declines ("…I can't help with that. Is
  // there anything else?"); an answer that goes on with alternatives and details is help that
  // opens with an apology.
  const after = marker.index + marker[0].length;
  const end = /[.!?](?:\s|$)/.exec(trimmed.slice(after));
  const sentenceEnd = end === null ? trimmed.length : after + end.index + 1;
  return trimmed.length - sentenceEnd <= REFUSAL_TAIL_MAX_CHARS;
}

function llmSpans(trace: AnalysisTrace): NormalizedSpan[] {
  return trace.spans.filter((span) => span.kind === 'llm' && span.llm !== null);
}

/**
 * The final model turn: the one that started last (the Vercel AI SDK ends a step's model-call
 * span only after the step's tools ran, so "ended last" can be a tool request). On tied starts
 * (millisecond clocks, fast local models) the turn that answered wins over one that asked for
 * tools, then the one that ended last.
 */
function finalTurn(spans: NormalizedSpan[]): NormalizedSpan | undefined {
  let best: NormalizedSpan | undefined;
  for (const span of spans) if (best === undefined || laterTurn(span, best)) best = span;
  return best;
}

function laterTurn(a: NormalizedSpan, b: NormalizedSpan): boolean {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano > b.startTimeUnixNano;
  const asks = (span: NormalizedSpan) => span.llm !== null && (span.llm.finishReason === 'tool_call' || span.llm.toolCallNames.length > 0);
  if (asks(a) !== asks(b)) return asks(b);
  return a.endTimeUnixNano >= b.endTimeUnixNano;
}

function hasExceptionEvent(span: NormalizedSpan): { type: string; message: string } | null {
  for (const event of span.events) {
    if (event.name !== 'exception' && !('exception.type' in event.attributes) && !('exception.message' in event.attributes)) continue;
    const type = event.attributes['exception.type'];
    const message = event.attributes['exception.message'];
    return { type: typeof type === 'string' ? type : 'exception', message: typeof message === 'string' ? message : '' };
  }
  return null;
}

/** The next call was the same tool (a retry), or the previous one was and failed too (a failing loop). */
function repeatedCall(trace: AnalysisTrace, failed: NormalizedSpan): boolean {
  const sameKind = trace.spans.filter((span) => span.kind === failed.kind && (span.kind === 'tool' || span.kind === 'llm'));
  const index = sameKind.indexOf(failed);
  const same = (other: NormalizedSpan | undefined) =>
    other !== undefined && (other.operation === failed.operation || (failed.tool !== null && other.tool?.name === failed.tool.name));
  const previous = sameKind[index - 1];
  return index >= 0 && (same(sameKind[index + 1]) || (same(previous) && previous!.status === 'error'));
}

/**
 * A later span of the same operation (or tool) that succeeded: the failure was retried away.
 * For a failed model call, any later successful model call (a fallback model carried on).
 */
function recoveredLater(trace: AnalysisTrace, failed: NormalizedSpan): boolean {
  return trace.spans.some(
    (other) =>
      other !== failed &&
      other.startTimeUnixNano >= failed.endTimeUnixNano - 1_000_000n &&
      other.status !== 'error' &&
      (other.operation === failed.operation || (failed.tool !== null && other.tool?.name === failed.tool.name) || (failed.kind === 'llm' && other.kind === 'llm')) &&
      matchErrorPayload(other.tool?.result ?? null) === null,
  );
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

export const silentFailureDetector: Detector = {
  id: 'silent_failure',
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft[] {
    const options = context.options.silentFailure;
    const top = trace.root ?? trace.tops[0];
    if (top === undefined || top.status === 'error') return [];
    // A loud failure anywhere at the top (several roots) is not silent either.
    if (trace.tops.some((span) => span.status === 'error' && span.parentSpanId === null)) return [];
    const drafts: FlagDraft[] = [];
    const llms = llmSpans(trace);
    const final = finalTurn(llms);
    const finalText = final?.llm?.outputText ?? null;

    // S4: error payloads returned by tools whose span says all is well.
    for (const span of trace.spans) {
      if (span.kind !== 'tool' || span.tool === null || span.status === 'error') continue;
      const errorType = span.attributes['error.type'];
      const match = matchErrorPayload(span.tool.result) ?? (typeof errorType === 'string' && errorType !== '' ? `error.type: ${errorType}` : null);
      if (match === null) continue;
      // Handled: the agent called the tool again and it worked, or the answer tells the user.
      const callContext = `${span.tool.name} ${span.tool.arguments ?? ''}`;
      if (recoveredLater(trace, span) || answerMentions(finalText, span.tool.result ?? match, callContext)) continue;
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

    // Exception events on spans that are not ERROR.
    if (options.exceptionEvents) {
      for (const span of trace.spans) {
        if (span.status === 'error') continue;
        const exception = hasExceptionEvent(span);
        if (exception === null) continue;
        drafts.push({
          severity: 'warning',
          summary: `Span ${span.name} recorded a ${exception.type} exception${exception.message ? ` ("${preview(exception.message, 80)}")` : ''} but its status is ${span.status.toUpperCase()}.`,
          spanIds: [span.spanId],
          evidence: { rule: 'unrecorded_exception', span: span.name, spanStatus: span.status, exceptionType: exception.type, exceptionMessage: preview(exception.message, 300) },
          pattern: `unrecorded_exception:${exception.type}`,
          tool: span.tool?.name ?? null,
          key: span.spanId,
        });
      }
    }

    // S7: a failed child the run carried on past.
    if (options.maskedChildErrors) {
      for (const span of trace.spans) {
        if (span.status !== 'error' || span === top) continue;
        const errorText = `${span.statusMessage} ${hasExceptionEvent(span)?.message ?? ''} ${span.tool?.result ?? ''}`;
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
          summary: `${span.kind === 'tool' && span.tool ? `Tool ${span.tool.name}` : `Step ${span.name}`} failed${span.statusMessage ? ` ("${preview(span.statusMessage, 80)}")` : ''}, yet the run finished ${top.status.toUpperCase()} without retrying it or mentioning the failure.`,
          spanIds: [span.spanId, top.spanId],
          evidence: { rule: 'masked_child_error', span: span.name, statusMessage: preview(span.statusMessage, 300), rootStatus: top.status, finalAnswer: preview(finalText, 200) },
          pattern: 'masked_child_error',
          tool: span.tool?.name ?? null,
          key: span.spanId,
        });
      }
    }

    // The run's own output (an agent executor's give-up string is not a model's answer).
    const runOutput = top.kind === 'agent' || top === trace.root ? readRunOutputText(top.attributes) : null;
    const gaveUp = runOutput !== null ? GIVE_UP.exec(runOutput) : null;
    const answerDrafts = drafts.length;
    if (final !== undefined && final.llm !== null) {
      const llm = final.llm;
      const finish = llm.finishReason;
      const base = { finalSpan: final.name, model: llm.model, finishReason: finish, outputTokens: llm.outputTokens };
      // Without a finish reason, a last model turn that wrote nothing but is followed by tools asked for them.
      const toolsFollow = trace.spans.some((span) => span.kind === 'tool' && span.startTimeUnixNano >= final.startTimeUnixNano);
      const asksForTools =
        finish === 'tool_call' || (finish === null && (llm.toolCallNames.length > 0 || ((finalText ?? '').trim() === '' && toolsFollow)));
      const toolsAfter = trace.spans.filter((span) => span.kind === 'tool' && span.startTimeUnixNano >= final.startTimeUnixNano);
      if (finish === 'length') {
        drafts.push({
          severity: 'critical',
          summary: `The final answer was cut off at the model's token limit (finish reason "length"${llm.outputTokens !== null ? `, ${llm.outputTokens} output tokens` : ''}).`,
          spanIds: [final.spanId],
          evidence: { rule: 'truncated_answer', ...base, answerTail: finalText === null ? null : finalText.slice(-120) },
          pattern: 'truncated_answer',
          tool: null,
          key: final.spanId,
        });
      } else if (finish === 'content_filter') {
        drafts.push({
          severity: 'critical',
          summary: 'The final answer was withheld or cut by the provider\'s content filter (finish reason "content_filter").',
          spanIds: [final.spanId],
          evidence: { rule: 'filtered_answer', ...base },
          pattern: 'filtered_answer',
          tool: null,
          key: final.spanId,
        });
      } else if (asksForTools && toolsAfter.length > 0) {
        const lastTool = toolsAfter[toolsAfter.length - 1]!;
        drafts.push({
          severity: 'critical',
          summary: `The run ended on a tool call (${lastTool.tool?.name ?? lastTool.name}) with no model reply after it, so no final answer was given.`,
          spanIds: [lastTool.spanId, final.spanId],
          evidence: { rule: 'no_final_answer', ...base, lastTool: lastTool.tool?.name ?? lastTool.name, toolCallsAfterLastModelCall: toolsAfter.length },
          pattern: 'no_final_answer',
          tool: lastTool.tool?.name ?? null,
          key: final.spanId,
        });
      } else if (!asksForTools && finalText !== null && finalText.trim() === '') {
        drafts.push({
          severity: 'critical',
          summary: `The final answer is empty (${finalText.length === 0 ? 'no text' : 'whitespace only'}) although the model call ${final.status === 'error' ? 'failed' : 'succeeded'}.`,
          spanIds: [final.spanId],
          evidence: { rule: 'empty_answer', ...base, outputLength: finalText.length },
          pattern: 'empty_answer',
          tool: null,
          key: final.spanId,
        });
      } else if (finalText !== null && GIVE_UP.test(finalText)) {
        drafts.push({
          severity: 'critical',
          summary: `The agent gave up ("${GIVE_UP.exec(finalText)![0]}") instead of answering.`,
          spanIds: [final.spanId],
          evidence: { rule: 'no_final_answer', ...base, answer: preview(finalText, 200) },
          pattern: 'gave_up',
          tool: null,
          key: final.spanId,
        });
      } else if (finish === 'refusal' || (finalText !== null && !asksForTools && isRefusal(finalText, options.refusalMaxChars))) {
        drafts.push({
          severity: 'warning',
          summary: finalText !== null && finalText.trim() !== '' ? `The final answer is a refusal: "${preview(finalText, 100)}".` : 'The model refused to answer (finish reason "refusal").',
          spanIds: [final.spanId],
          evidence: { rule: 'refusal', ...base, answer: preview(finalText, 300) },
          pattern: 'refusal',
          tool: null,
          key: final.spanId,
        });
      }
    }
    if (gaveUp !== null && !drafts.slice(answerDrafts).some((draft) => draft.pattern === 'gave_up' || draft.pattern === 'no_final_answer')) {
      drafts.push({
        severity: 'critical',
        summary: `The agent gave up ("${gaveUp[0]}") instead of answering.`,
        spanIds: [top.spanId],
        evidence: { rule: 'no_final_answer', span: top.name, answer: preview(runOutput, 200) },
        pattern: 'gave_up',
        tool: null,
        key: top.spanId,
      });
    }
    return drafts;
  },
};
