import type { NormalizedSpan } from '../../model/span.js';
import { isFinalAnswerCall } from '../../model/normalize/final-answer.js';
import type { AnalysisTrace } from '../analysis-trace.js';
import { matchErrorPayload } from './error-payload.js';

/**
 * Actions of code agents (smolagents CodeAgent steps, AG2 teams): the code a model turn wrote
 * (its fenced blocks, comments and blank lines dropped, whitespace collapsed) is the action;
 * what running it printed — the output.value of the step span holding the turn, "Execution
 * logs:" dropped — is the observation. Tools the code called are tool spans under the step
 * (smolagents records them there); a step that called none besides the final answer is judged by
 * its code and what it printed, one that called tools by those tool spans.
 */
export interface CodeAction {
  /** The model call that wrote the code. */
  span: NormalizedSpan;
  /** The step span holding the model call (a non-tool, non-model parent), or null. */
  step: NormalizedSpan | null;
  code: string;
  observation: string | null;
  /** The step ran something: it recorded what the code printed, failed, or called a tool. */
  ran: boolean;
  /** Tool spans under the step other than final-answer calls (the tools the code called). */
  tools: NormalizedSpan[];
}

const FENCE = /```[ \t]*([\w+-]*)[ \t]*\n([\s\S]*?)```/g;
const CODE_LANGUAGES = new Set(['', 'python', 'py', 'sh', 'bash', 'shell', 'console']);

/** The normalised code of the fenced blocks in a model's text; null when it wrote none. */
export function codeOf(text: string): string | null {
  if (!text.includes('```')) return null;
  const blocks: string[] = [];
  for (const match of text.matchAll(FENCE)) {
    if (!CODE_LANGUAGES.has(match[1]!.toLowerCase())) continue;
    const lines = match[2]!
      .split('\n')
      .map((line) => line.replace(/(^|\s)#(?![!{]).*$/, '').trim())
      .filter((line) => line !== '');
    if (lines.length > 0) blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? null : blocks.join('\n---\n');
}

/** Tool spans under `step` (at any depth), in trace order. */
function toolsUnder(trace: AnalysisTrace, step: NormalizedSpan): NormalizedSpan[] {
  const out: NormalizedSpan[] = [];
  const pending = [...(trace.children.get(step.spanId) ?? [])];
  for (let guard = 0; pending.length > 0 && guard < 10_000; guard++) {
    const span = pending.shift()!;
    if (span.kind === 'tool') out.push(span);
    else pending.push(...(trace.children.get(span.spanId) ?? []));
  }
  return out;
}

/** Read once per trace: tool_loop and silent_failure's rules all ask (traces are read-only). */
const actionsByTrace = new WeakMap<AnalysisTrace, readonly CodeAction[]>();

/** Every model turn that wrote code, with its step, what the step printed and the tools it called; in trace order. */
export function readCodeActions(trace: AnalysisTrace): readonly CodeAction[] {
  let actions = actionsByTrace.get(trace);
  if (actions === undefined) actionsByTrace.set(trace, (actions = collectCodeActions(trace)));
  return actions;
}

function collectCodeActions(trace: AnalysisTrace): CodeAction[] {
  const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
  const actions: CodeAction[] = [];
  for (const span of trace.spans) {
    if (span.kind !== 'llm' || span.llm?.outputText == null) continue;
    const code = codeOf(span.llm.outputText);
    if (code === null) continue;
    const parent = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
    const step = parent !== undefined && parent.kind === 'other' ? parent : null;
    const output = step?.attributes['output.value'];
    const observation = typeof output === 'string' ? output.replace(/^Execution logs:\n?/, '') : null;
    const tools = step === null ? [] : toolsUnder(trace, step).filter((tool) => !isFinalAnswerCall(tool.tool?.name ?? '', tool.tool?.arguments ?? null));
    actions.push({ span, step, code, observation, ran: observation !== null || step?.status === 'error' || tools.length > 0, tools });
  }
  return actions;
}

/**
 * The code actions judged by their code and what it printed: those whose step called no tool
 * (besides the final answer); the tool spans of the others are judged as tool calls.
 */
export function toollessCodeActions(trace: AnalysisTrace): readonly CodeAction[] {
  return readCodeActions(trace).filter((action) => action.tools.length === 0);
}

/** Fenced blocks in a text that would each be an action (a reply holding several is rejected by one-action frameworks). */
export function countActionBlocks(text: string): number {
  if (!text.includes('```')) return 0;
  let count = 0;
  for (const match of text.matchAll(FENCE)) if (CODE_LANGUAGES.has(match[1]!.toLowerCase())) count++;
  return count;
}

/** What a code run printed when it failed (AG2's terminal, smolagents' execution logs). */
const FAILED_CODE_RUN = /^exitcode: [1-9]|^The script ran, then exited with Unix exit code: [1-9]/m;

/** The error a code run's printed output shows (an error payload or a failed exit), or null. */
export function codeRunError(observation: string): string | null {
  const failed = FAILED_CODE_RUN.exec(observation.slice(0, 300));
  return matchErrorPayload(observation) ?? (failed === null ? null : failed[0]);
}

/** A code step that ran without failing: it printed output with no error and its step is not ERROR. */
export function ranCleanly(action: CodeAction): boolean {
  return action.observation !== null && action.step?.status !== 'error' && codeRunError(action.observation) === null;
}
