import type { NormalizedSpan } from '../../model/span.js';
import type { AnalysisTrace } from '../analysis-trace.js';

/**
 * Actions of code agents that call no tool spans (smolagents-style steps, AG2 teams): the code a
 * model turn wrote (its fenced blocks, comments and blank lines dropped, whitespace collapsed) is
 * the action; what running it printed — the output.value of the step span holding the turn —
 * is the observation. Read only when the trace has no tool span at all.
 */
export interface CodeAction {
  span: NormalizedSpan;
  code: string;
  observation: string | null;
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

export function readCodeActions(trace: AnalysisTrace): CodeAction[] {
  const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
  const actions: CodeAction[] = [];
  for (const span of trace.spans) {
    if (span.kind !== 'llm' || span.llm?.outputText == null) continue;
    const code = codeOf(span.llm.outputText);
    if (code === null) continue;
    const step = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
    const output = step !== undefined && step.kind === 'other' ? step.attributes['output.value'] : undefined;
    actions.push({ span, code, observation: typeof output === 'string' ? output.replace(/^Execution logs:\n?/, '') : null });
  }
  return actions;
}

/** Fenced blocks in a text that would each be an action (a reply holding several is rejected by one-action frameworks). */
export function countActionBlocks(text: string): number {
  if (!text.includes('```')) return 0;
  let count = 0;
  for (const match of text.matchAll(FENCE)) if (CODE_LANGUAGES.has(match[1]!.toLowerCase())) count++;
  return count;
}
