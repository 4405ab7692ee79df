import type { NormalizedSpan } from '../../../model/span.js';
import type { AnalysisTrace } from '../../analysis-trace.js';
import type { FinalTurn } from './rule.js';

/**
 * The final model turn: the one that started last (the Vercel AI SDK ends a step's model-call
 * span only after the step's tools ran, so "ended last" can be a tool request). On tied starts
 * (millisecond clocks, fast local models) the turn that answered wins over one that asked for
 * tools, then the one that ended last. Null when the run made no model call.
 */
export function findFinalTurn(trace: AnalysisTrace): FinalTurn | null {
  let best: NormalizedSpan | undefined;
  for (const span of trace.spans) {
    if (span.kind !== 'llm' || span.llm === null) continue;
    if (best === undefined || laterTurn(span, best)) best = span;
  }
  if (best === undefined || best.llm === null) return null;
  const start = best.startTimeUnixNano;
  const llm = best.llm;
  const toolsAfter = trace.spans.filter((span) => span.kind === 'tool' && span.startTimeUnixNano >= start);
  const finish = llm.finishReason;
  // Without a finish reason, a last model turn that wrote nothing but is followed by tools asked for them.
  const asksForTools = finish === 'tool_call' || (finish === null && (llm.toolCallNames.length > 0 || ((llm.outputText ?? '').trim() === '' && toolsAfter.length > 0)));
  return { span: best, llm, text: llm.outputText, toolsAfter, asksForTools };
}

function laterTurn(a: NormalizedSpan, b: NormalizedSpan): boolean {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano > b.startTimeUnixNano;
  const asks = (span: NormalizedSpan) => span.llm !== null && (span.llm.finishReason === 'tool_call' || span.llm.toolCallNames.length > 0);
  if (asks(a) !== asks(b)) return asks(b);
  return a.endTimeUnixNano >= b.endTimeUnixNano;
}
