import type { LlmCall, NormalizedSpan } from '../../../model/span.js';
import type { AnalysisTrace } from '../../analysis-trace.js';
import type { SilentFailureEvidence } from '../../../model/detectors/silent-failure.js';
import type { AnalyzerOptions, FlagDraft } from '../../detector.js';

/** A finding of a silent_failure rule. */
export type SilentFailureDraft = FlagDraft<SilentFailureEvidence>;
import { findFinalTurn } from './final-turn.js';

/** The `analyzer.silentFailure` section of otel-config.yaml. */
export type SilentFailureOptions = AnalyzerOptions['silentFailure'];

/** The names silent_failure's rules record as `evidence.rule` (stable: flags and reviews keep them). */
export type SilentFailureRuleName = SilentFailureEvidence['rule'];

/** The final model turn of a run: the model call that started last (see final-turn.ts). */
export interface FinalTurn {
  span: NormalizedSpan;
  llm: LlmCall;
  /** What the model wrote; null when the call recorded no output. */
  text: string | null;
  /** Tool spans that started at or after the final turn started, in start order. */
  toolsAfter: NormalizedSpan[];
  /**
   * The turn asked for tools: finish reason `tool_call`, or, without a finish reason, tool calls
   * named or nothing written while tools follow.
   */
  asksForTools: boolean;
}

/** The evidence every final-turn rule records about the turn it judged. */
export function finalTurnEvidence(final: FinalTurn): { finalSpan: string; model: string | null; finishReason: LlmCall['finishReason']; outputTokens: number | null } {
  return { finalSpan: final.span.name, model: final.llm.model, finishReason: final.llm.finishReason, outputTokens: final.llm.outputTokens };
}

/**
 * A run that did not fail loudly, as every rule reads it: built once per trace, read-only.
 * Only built when neither the root nor any parentless top span is ERROR (a loud failure is not
 * silent).
 */
export interface SilentRun {
  trace: AnalysisTrace;
  /** The root span, else the first top span; its status is not ERROR. */
  top: NormalizedSpan;
  /** The final model turn; null when the run made no model call. */
  final: FinalTurn | null;
}

/**
 * One rule of silent_failure, listed once in SILENT_FAILURE_RULES (Jaeger's query adjusters are
 * the model). A rule is a pure function of the run and the options; the order of the list is the
 * order of the flags and, for final-turn rules, their priority.
 * - `spans`: judges spans anywhere in the run; every finding is a flag.
 * - `final_turn`: judges the final model turn; the first rule in list order with a verdict wins,
 *   so a turn gets at most one verdict.
 * - `run_output`: judges the run's own output once the final turn is judged, seeing its verdict.
 */
export type SilentFailureRule =
  | { name: SilentFailureRuleName; scope: 'spans'; check(run: SilentRun, options: SilentFailureOptions): SilentFailureDraft[] }
  | { name: SilentFailureRuleName; scope: 'final_turn'; judge(run: SilentRun, final: FinalTurn, options: SilentFailureOptions): SilentFailureDraft | null }
  | { name: SilentFailureRuleName; scope: 'run_output'; judge(run: SilentRun, finalVerdict: SilentFailureDraft | null): SilentFailureDraft | null };

/** The run the rules judge, or null when it failed loudly (root or a parentless top span ERROR) or has no spans. */
export function readSilentRun(trace: AnalysisTrace): SilentRun | null {
  const top = trace.root ?? trace.tops[0];
  if (top === undefined || top.status === 'error') return null;
  // A loud failure anywhere at the top (several roots) is not silent either.
  if (trace.tops.some((span) => span.status === 'error' && span.parentSpanId === null)) return null;
  return { trace, top, final: findFinalTurn(trace) };
}
