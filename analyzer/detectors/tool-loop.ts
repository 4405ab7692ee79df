import type { NormalizedSpan } from '../../model/span.js';
import { nanosToIso } from '../../model/time.js';
import { readRunOutputText } from '../../model/normalize/run-output.js';
import type { AnalysisTrace } from '../analysis-trace.js';
import type { ToolLoopEvidence } from '../../model/detectors/tool-loop.js';
import type { Detector, DetectorContext, FlagDraft } from '../detector.js';
import { canonicalString, canonicalText, jaccard, preview, quotable, tokenSet } from './canonical-text.js';
import { matchErrorPayload } from './error-payload.js';
import { countActionBlocks, readCodeActions } from './code-actions.js';
import { errorClass } from './tool-loop/error-class.js';
import { loopCost, seconds, tokensPhrase, type LoopCost } from './tool-loop/loop-cost.js';
import { findStuckTurns } from './tool-loop/stuck-turns.js';

/**
 * `tool_loop`: the agent repeats itself without progress (DETECTION.md B.2).
 * - identical_calls (T1): ≥ minRepeats consecutive calls of one tool with the same normalised
 *   arguments AND the same result. A run of identical polls whose result finally changes to a
 *   non-error is progress, not a loop.
 * - failing_calls (T2): ≥ minErrorRepeats consecutive identical calls that all failed the same way
 *   (span ERROR, or an error payload returned by a span that says OK).
 * - repeated_calls_no_result (T1b): ≥ minRepeatsWithoutResult identical calls whose results were
 *   not recorded (the dialect or the sender left them out).
 * - cycle (T3): a cycle of 2..maxCyclePeriod different calls (A→B→A→B…) repeated ≥ minCycles
 *   times with the same results at each position.
 * - repeated_replies / empty_responses (T5, T6): ≥ 3 model replies in a row, no tool call between,
 *   with the same text or with no text at all.
 * - failing_tool: ≥ minErrorRepeats calls of one tool in a row (no success of it between) that
 *   failed with the same error class, whatever their arguments (tool-loop/error-class.ts).
 * - stuck: the model says ≥ 2 times that it is going round in circles (tool-loop/stuck-turns.ts).
 * - actions_not_run: ≥ 3 model turns in a row wrote actions (fenced code) and no tool ran after
 *   any of them (a one-action framework rejecting the reply each time).
 * - iteration_cap (T7): a framework's give-up marker (LangGraph GraphRecursionError, LangChain
 *   "Agent stopped due to iteration limit", AutoGen "Max rounds (30) reached", …) when no
 *   repetition was found to explain it.
 * Code agents that run their code without tool spans (smolagents-style steps, AG2 teams) are
 * read the same way: each model turn's code is a call and its step's output the result
 * (tool-loop/code-actions.ts).
 * Calls are compared after normalising arguments and results: key order, whitespace, case,
 * and volatile fields (ids, timestamps, nonces) do not make calls different.
 */

interface Call {
  span: NormalizedSpan;
  tool: string;
  action: string;
  /** Canonical result, 'E:'-prefixed for failures; null when not recorded. */
  observation: string | null;
  /** Tokens of a long observation, for near-equality; null for short ones (exact only). */
  tokens: Set<string> | null;
  failed: boolean;
  /** The class of the error a failed call returned (tool-loop/error-class.ts); null when none. */
  errorClass: string | null;
}

/** Results at least this long (characters) count as the same when their tokens overlap ≥ NEAR_SAME. */
const NEAR_MIN_CHARS = 80;
const NEAR_SAME = 0.9;

/**
 * The same observation: equal after normalisation, or two long results whose word sets overlap
 * ≥ 90 % (a search returning the same page with a different score or latency figure). Short
 * results (a status, a progress count) must be equal: polling that progresses differs there.
 */
function sameObservation(a: Call, b: Call): boolean {
  if (a.observation === b.observation) return true;
  if (a.failed !== b.failed || a.tokens === null || b.tokens === null) return false;
  return jaccard(a.tokens, b.tokens) >= NEAR_SAME;
}

const CAP_MARKER =
  /GraphRecursionError|Recursion limit of \d+ reached|Agent stopped due to (?:iteration limit|max iterations)|max(?:imum)? (?:number of )?(?:iterations?|rounds|turns|steps) (?:\(\d+\) )?(?:reached|exceeded)|exceeded (?:the )?max(?:imum)? (?:number of )?(?:iterations|steps|turns|rounds)/i;

function toCall(span: NormalizedSpan): Call {
  const tool = span.tool!;
  // A call failed when its span is ERROR or when it returned an error payload (T2: "span status
  // ERROR, or error text in the output"): tools that report failures as results loop the same way.
  const failed = span.status === 'error' || matchErrorPayload(tool.result) !== null;
  const args = canonicalText(tool.arguments);
  let observation: string | null;
  if (failed) observation = `E:${canonicalText((span.status === 'error' && span.statusMessage) || tool.result || '', 'result') ?? ''}`;
  else observation = canonicalText(tool.result, 'result');
  const tokens = observation !== null && observation.length >= NEAR_MIN_CHARS ? tokenSet(observation) : null;
  return { span, tool: tool.name, action: `${tool.name.toLowerCase()}\u0000${args ?? '∅'}`, observation, tokens, failed, errorClass: failed ? errorClass((span.status === 'error' && span.statusMessage) || tool.result) : null };
}

const FAILED_RUN = /^exitcode: [1-9]|^The script ran, then exited with Unix exit code: [1-9]/m;

/** A code agent's turn as a call: its code the action, its step's output the observation. */
function codeCall(span: NormalizedSpan, code: string, output: string | null): Call {
  const failed = output !== null && (FAILED_RUN.test(output.slice(0, 200)) || matchErrorPayload(output) !== null);
  const observation = output === null ? null : failed ? `E:${canonicalText(output, 'result') ?? ''}` : canonicalText(output, 'result');
  const tokens = observation !== null && observation.length >= NEAR_MIN_CHARS ? tokenSet(observation) : null;
  return { span, tool: 'code', action: `code\u0000${code}`, observation, tokens, failed, errorClass: failed ? errorClass(output) : null };
}

/**
 * The calls of a trace, in start order: its tool spans, and the code its turns ran where no tool
 * span stands for it — every turn's code for a code agent with no tool spans at all, else the code
 * of steps that ran and called no tool (a smolagents step whose code only computed and printed).
 */
function readCalls(trace: AnalysisTrace): Call[] {
  const calls = trace.spans.filter((span) => span.kind === 'tool' && span.tool !== null).map(toCall);
  const code = readCodeActions(trace).filter((action) => action.tools.length === 0 && (calls.length === 0 || (action.step !== null && action.ran)));
  if (code.length === 0) return calls;
  const all = [...calls, ...code.map((action) => codeCall(action.span, action.code, action.observation))];
  return all.sort((a, b) => (a.span.startTimeUnixNano < b.span.startTimeUnixNano ? -1 : a.span.startTimeUnixNano > b.span.startTimeUnixNano ? 1 : 0));
}

export const toolLoopDetector: Detector<'tool_loop'> = {
  id: 'tool_loop',
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft<ToolLoopEvidence>[] {
    const options = context.options.toolLoop;
    const calls = readCalls(trace);
    const drafts: FlagDraft<ToolLoopEvidence>[] = [];
    const covered = new Set<number>();

    // Runs of identical actions.
    let start = 0;
    while (start < calls.length) {
      let end = start + 1;
      while (end < calls.length && calls[end]!.action === calls[start]!.action) end++;
      if (end - start >= 2) drafts.push(...judgeIdenticalRun(trace, calls, start, end, options, covered));
      start = end;
    }

    // Cycles A→B→A→B (period ≥ 2) with the same results at each position.
    for (let period = 2; period <= options.maxCyclePeriod; period++) {
      let i = period;
      while (i < calls.length) {
        if (!samePosition(calls[i]!, calls[i - period]!)) {
          i++;
          continue;
        }
        let j = i;
        while (j + 1 < calls.length && samePosition(calls[j + 1]!, calls[j + 1 - period]!)) j++;
        const first = i - period;
        const length = j - first + 1;
        const cycles = Math.floor(length / period);
        const distinct = new Set(calls.slice(first, first + period).map((call) => call.action)).size;
        const overlaps = range(first, j + 1).some((index) => covered.has(index));
        if (cycles >= options.minCycles && distinct >= 2 && !overlaps) {
          const loop = calls.slice(first, first + cycles * period);
          range(first, first + cycles * period).forEach((index) => covered.add(index));
          drafts.push(describeCycle(trace, loop, period, cycles));
        }
        i = j + 1;
      }
    }

    drafts.push(...findFailingTool(trace, calls, covered, options.minErrorRepeats));
    drafts.push(...findMonologue(trace));
    const stuck = findStuckTurns(trace);
    if (stuck !== null) drafts.push(stuck);
    const rejected = findActionsNotRun(trace);
    // The same replies repeated are already a monologue flag; one story, one flag.
    if (rejected !== null && !drafts.some((draft) => draft.spanIds.includes(rejected.spanIds[0]!))) drafts.push(rejected);

    if (drafts.length === 0) {
      const capped = findCapMarker(trace);
      if (capped !== null) drafts.push(capped);
    }
    return drafts;
  },
};

function samePosition(a: Call, b: Call): boolean {
  return a.action === b.action && sameObservation(a, b);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}

function judgeIdenticalRun(
  trace: AnalysisTrace,
  calls: Call[],
  start: number,
  end: number,
  options: DetectorContext['options']['toolLoop'],
  covered: Set<number>,
): FlagDraft<ToolLoopEvidence>[] {
  const run = calls.slice(start, end);
  if (run.every((call) => call.observation === null)) {
    if (run.length < options.minRepeatsWithoutResult) return [];
    range(start, end).forEach((index) => covered.add(index));
    return [describeRepeat(trace, run, 'repeated_calls_no_result', run.length, options.minRepeatsWithoutResult)];
  }
  // Longest stretch of identical observations inside the run.
  let bestFrom = 0;
  let bestLength = 0;
  let from = 0;
  for (let k = 1; k <= run.length; k++) {
    if (k === run.length || !sameObservation(run[k]!, run[from]!)) {
      if (k - from > bestLength) {
        bestLength = k - from;
        bestFrom = from;
      }
      from = k;
    }
  }
  const stretch = run.slice(bestFrom, bestFrom + bestLength);
  const failing = stretch.every((call) => call.failed);
  const threshold = failing ? Math.min(options.minErrorRepeats, options.minRepeats) : options.minRepeats;
  if (stretch.length < threshold) return [];
  // Polling (or retrying) that eventually changes to a good result made progress.
  const last = run[run.length - 1]!;
  if (bestFrom + bestLength < run.length && !last.failed && !sameObservation(last, stretch[0]!)) return [];
  range(start + bestFrom, start + bestFrom + bestLength).forEach((index) => covered.add(index));
  return [describeRepeat(trace, stretch, failing ? 'failing_calls' : 'identical_calls', stretch.length, threshold)];
}

type Cost = LoopCost;

function costOf(trace: AnalysisTrace, loop: Call[]): Cost {
  return loopCost(trace, loop.map((call) => call.span));
}

/**
 * failing_tool: calls of one tool that keep failing with the same error class whatever their
 * arguments — ≥ minErrorRepeats of them in a stretch with no success of that tool between
 * (other tools may run in between). Calls already in an identical-call loop are not counted twice.
 */
function findFailingTool(trace: AnalysisTrace, calls: Call[], covered: Set<number>, minErrorRepeats: number): FlagDraft<ToolLoopEvidence>[] {
  const drafts: FlagDraft<ToolLoopEvidence>[] = [];
  let failures = 0;
  for (const call of calls) if (call.failed) failures++;
  if (failures < minErrorRepeats) return drafts;
  const streaks = new Map<string, number[]>();
  const flush = (tool: string) => {
    const streak = streaks.get(tool);
    streaks.delete(tool);
    if (streak === undefined || streak.length < minErrorRepeats) return;
    const byClass = new Map<string, number[]>();
    for (const index of streak) {
      const key = calls[index]!.errorClass;
      if (key === null || covered.has(index)) continue;
      byClass.set(key, [...(byClass.get(key) ?? []), index]);
    }
    for (const [key, indexes] of byClass) {
      if (indexes.length < minErrorRepeats) continue;
      indexes.forEach((index) => covered.add(index));
      drafts.push(describeFailingTool(trace, indexes.map((index) => calls[index]!), key, minErrorRepeats));
    }
  };
  calls.forEach((call, index) => {
    const key = call.tool.toLowerCase();
    if (call.failed) streaks.set(key, [...(streaks.get(key) ?? []), index]);
    else flush(key);
  });
  for (const key of [...streaks.keys()]) flush(key);
  return drafts;
}

function describeFailingTool(trace: AnalysisTrace, loop: Call[], errorKind: string, threshold: number): FlagDraft<ToolLoopEvidence> {
  const first = loop[0]!;
  const cost = costOf(trace, loop);
  const distinct = new Set(loop.map((call) => call.action)).size;
  const error = preview(first.failed ? first.span.statusMessage || first.span.tool?.result || null : null, 100) ?? errorKind;
  const name = first.tool === 'code' ? 'the code it wrote' : first.tool;
  return {
    severity: loop.length >= 2 * threshold ? 'critical' : 'warning',
    summary: `${first.tool === 'code' ? 'The code the agent ran' : `Tool ${first.tool}`} failed ${loop.length} times with the same error ("${quotable(error, 80)}")${distinct > 1 ? ` whatever the ${first.tool === 'code' ? 'code' : 'arguments'} (${distinct} different)` : ''}, spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
    spanIds: loop.map((call) => call.span.spanId),
    evidence: { rule: 'failing_tool', tool: name, errorClass: errorKind, error, repeats: loop.length, distinctArguments: distinct, threshold, ...cost },
    pattern: 'failing_tool',
    tool: first.tool,
    key: first.span.spanId,
  };
}

/** Model turns in a row whose actions never ran, that make a loop. */
const MIN_ACTIONS_NOT_RUN = 3;

/**
 * actions_not_run: in a run whose actions are tool calls, ≥ 3 model turns in a row each wrote
 * fenced code and no tool ran after any of them, nor did their step run the code (the framework rejected the reply, typically
 * for holding several actions, and the model repeated itself).
 */
function findActionsNotRun(trace: AnalysisTrace): FlagDraft<ToolLoopEvidence> | null {
  // A code agent's step ran its code when it recorded what the code printed or failed.
  const ranInStep = new Set(readCodeActions(trace).filter((action) => action.ran).map((action) => action.span));
  let actions = 0;
  for (const span of trace.spans) if (span.kind === 'llm' && span.llm?.outputText?.includes('```')) actions++;
  if (actions < MIN_ACTIONS_NOT_RUN || !trace.spans.some((span) => span.kind === 'tool')) return null;
  // Model turns and tool calls in order; a turn with actions did not run them when no tool call comes next.
  const sequence = trace.spans.filter((span) => span.kind === 'tool' || (span.kind === 'llm' && span.llm !== null));
  let best: NormalizedSpan[] = [];
  let stretch: NormalizedSpan[] = [];
  sequence.forEach((span, index) => {
    const next = sequence[index + 1];
    const notRun = span.kind === 'llm' && countActionBlocks(span.llm!.outputText ?? '') > 0 && next?.kind !== 'tool' && !ranInStep.has(span);
    if (notRun) stretch.push(span);
    else {
      if (stretch.length > best.length) best = stretch;
      stretch = [];
    }
  });
  if (stretch.length > best.length) best = stretch;
  if (best.length < MIN_ACTIONS_NOT_RUN) return null;
  const cost = loopCost(trace, best);
  return {
    severity: best.length >= 2 * MIN_ACTIONS_NOT_RUN ? 'critical' : 'warning',
    summary: `The model wrote actions ${best.length} times in a row that never ran (no tool call followed any of them), spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
    spanIds: best.map((span) => span.spanId),
    evidence: { rule: 'actions_not_run', repeats: best.length, threshold: MIN_ACTIONS_NOT_RUN, reply: preview(best[0]!.llm?.outputText ?? '', 300), ...cost },
    pattern: 'actions_not_run',
    tool: null,
    key: best[0]!.spanId,
  };
}

function describeRepeat(trace: AnalysisTrace, loop: Call[], pattern: string, count: number, threshold: number): FlagDraft<ToolLoopEvidence> {
  const first = loop[0]!;
  const cost = costOf(trace, loop);
  const args = preview(first.span.tool?.arguments ?? null, 80);
  const call = `${first.tool}(${args ?? ''})`;
  const how =
    pattern === 'failing_calls'
      ? 'and every call failed the same way'
      : pattern === 'identical_calls'
        ? 'and got the same result every time'
        : '(results not recorded)';
  return {
    severity: count >= 2 * threshold ? 'critical' : 'warning',
    summary: `The agent called ${call} ${count} times in a row ${how}, spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
    spanIds: loop.map((item) => item.span.spanId),
    evidence: {
      rule: pattern,
      tool: first.tool,
      arguments: preview(first.span.tool?.arguments ?? null, 400),
      result: preview(first.failed ? first.span.statusMessage || first.span.tool?.result || null : first.span.tool?.result ?? null, 400),
      repeats: count,
      threshold,
      ...cost,
      endedRun: loop[loop.length - 1] === undefined ? false : isLastCall(trace, loop[loop.length - 1]!.span),
    },
    pattern,
    tool: first.tool,
    key: first.span.spanId,
  };
}

function describeCycle(trace: AnalysisTrace, loop: Call[], period: number, cycles: number): FlagDraft<ToolLoopEvidence> {
  const cost = costOf(trace, loop);
  const steps = loop.slice(0, period).map((call) => call.tool);
  return {
    severity: cycles >= 5 ? 'critical' : 'warning',
    summary: `The agent went round the cycle ${steps.join(' → ')} ${cycles} times with the same results, spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
    spanIds: loop.map((item) => item.span.spanId),
    evidence: {
      rule: 'cycle',
      period,
      cycles,
      steps: loop.slice(0, period).map((call) => ({ tool: call.tool, arguments: preview(call.span.tool?.arguments ?? null, 200) })),
      repeats: loop.length,
      ...cost,
    },
    pattern: `cycle:${[...steps].sort().join('+')}`,
    tool: steps[0] ?? null,
    key: loop[0]!.span.spanId,
  };
}

/** Consecutive model replies (no tool call between) that make a monologue or an empty-response loop (T5, T6). */
const MIN_MONOLOGUE = 3;

/**
 * T5/T6: ≥ 3 model calls in a row, with no tool call between them, that replied with the same
 * text (a monologue) or with nothing at all (an empty-response loop). Failed calls are left out
 * (SDK retries); a reply that asks for tools ends the stretch.
 */
function findMonologue(trace: AnalysisTrace): FlagDraft<ToolLoopEvidence>[] {
  const drafts: FlagDraft<ToolLoopEvidence>[] = [];
  let stretch: { span: NormalizedSpan; text: string }[] = [];
  const flush = () => {
    if (stretch.length >= MIN_MONOLOGUE) {
      const empty = stretch[0]!.text === '';
      const first = stretch[0]!.span;
      const cost = costOfSpans(stretch.map((item) => item.span));
      drafts.push({
        severity: stretch.length >= 2 * MIN_MONOLOGUE ? 'critical' : 'warning',
        summary: empty
          ? `The model replied with nothing ${stretch.length} times in a row, spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`
          : `The model gave the same reply ("${quotable(first.llm?.outputText ?? '', 60)}") ${stretch.length} times in a row without calling a tool, spending ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
        spanIds: stretch.map((item) => item.span.spanId),
        evidence: { rule: empty ? 'empty_responses' : 'repeated_replies', reply: preview(first.llm?.outputText ?? '', 300), repeats: stretch.length, threshold: MIN_MONOLOGUE, ...cost },
        pattern: empty ? 'empty_responses' : 'repeated_replies',
        tool: null,
        key: first.spanId,
      });
    }
    stretch = [];
  };
  for (const span of trace.spans) {
    if (span.kind === 'tool') {
      flush();
      continue;
    }
    if (span.kind !== 'llm' || span.llm === null || span.status === 'error') continue;
    const llm = span.llm;
    if (llm.outputText === null || llm.finishReason === 'tool_call' || llm.toolCallNames.length > 0) {
      flush();
      continue;
    }
    const text = canonicalString(llm.outputText, 'result');
    if (stretch.length > 0 && stretch[0]!.text !== text) flush();
    stretch.push({ span, text });
  }
  flush();
  return drafts;
}

function costOfSpans(spans: NormalizedSpan[]): Cost {
  return loopCost({ spans } as AnalysisTrace, spans);
}

function isLastCall(trace: AnalysisTrace, span: NormalizedSpan): boolean {
  return !trace.spans.some((other) => other.kind === 'tool' && other.startTimeUnixNano > span.startTimeUnixNano);
}

function findCapMarker(trace: AnalysisTrace): FlagDraft<ToolLoopEvidence> | null {
  for (const span of trace.spans) {
    const texts = [span.statusMessage, span.llm?.outputText ?? '', span.tool?.result ?? ''];
    if (span.kind === 'agent' || span === trace.root) texts.push(readRunOutputText(span.attributes) ?? '');
    for (const event of span.events) {
      for (const key of ['exception.type', 'exception.message']) {
        const value = event.attributes[key];
        if (typeof value === 'string') texts.push(value);
      }
    }
    for (const text of texts) {
      const match = CAP_MARKER.exec(text);
      if (match === null) continue;
      const toolCalls = trace.spans.filter((other) => other.kind === 'tool').length;
      return {
        severity: 'warning',
        summary: `The run hit its framework's iteration cap ("${match[0]}") after ${toolCalls} tool calls.`,
        spanIds: [span.spanId],
        evidence: { rule: 'iteration_cap', marker: match[0], span: span.name, toolCalls, at: nanosToIso(span.startTimeUnixNano) },
        pattern: 'iteration_cap',
        tool: null,
        key: span.spanId,
      };
    }
  }
  return null;
}
