import type { NormalizedSpan } from '../../../model/span.js';
import type { AnalysisTrace } from '../../analysis-trace.js';
import type { FlagDraft } from '../../detector.js';
import type { ToolLoopEvidence } from '../../../model/detectors/tool-loop.js';
import { preview } from '../canonical-text.js';
import { loopCost, seconds, tokensPhrase } from './loop-cost.js';

/**
 * stuck (loops in the model's own turns): the model itself says the run is going round in
 * circles, in at least MIN_STUCK_TURNS of its turns: Magentic-One's progress ledger
 * (`"is_in_loop": {"answer": true}`), or words such as "we are stuck in a loop", "I keep getting
 * the same result". One turn saying so is a doubt; two are a loop it could not leave.
 */
export const MIN_STUCK_TURNS = 2;

const STUCK = [
  /"is_in_loop"\s*:\s*\{[^{}]*?"answer"\s*:\s*true/,
  /\b(?:i am|i'm|we are|we're|i seem to be|we seem to be|(?:it )?(?:seems|looks) like (?:i|we)(?:'re|'m| are| am)?|i keep|we keep)\s+(?:still\s+)?(?:stuck|going (?:a)?round in circles|in a loop|looping|getting the same (?:result|error|output|page))\b/i,
];

/** Cheap pre-check: words every STUCK pattern needs. */
const STUCK_HINT = /is_in_loop|stuck|circles|in a loop|looping|getting the same/i;

export function stuckSentence(text: string): string | null {
  if (!STUCK_HINT.test(text)) return null;
  for (const pattern of STUCK) {
    const match = pattern.exec(text.length > 20_000 ? text.slice(0, 20_000) : text);
    if (match !== null) return match[0];
  }
  return null;
}

export function findStuckTurns(trace: AnalysisTrace): FlagDraft<ToolLoopEvidence> | null {
  const turns: { span: NormalizedSpan; said: string }[] = [];
  for (const span of trace.spans) {
    const text = span.kind === 'llm' ? span.llm?.outputText : null;
    if (text === null || text === undefined || text === '') continue;
    const said = stuckSentence(text);
    if (said !== null) turns.push({ span, said });
  }
  if (turns.length < MIN_STUCK_TURNS) return null;
  const cost = loopCost(trace, turns.map((turn) => turn.span));
  const quote = preview(turns[0]!.said, 80) ?? '';
  return {
    severity: turns.length >= 2 * MIN_STUCK_TURNS ? 'critical' : 'warning',
    summary: `The model said it was going round in circles ${turns.length} times ("${quote}"), over ${seconds(cost.durationMs)}${tokensPhrase(cost)}.`,
    spanIds: turns.map((turn) => turn.span.spanId),
    evidence: { rule: 'stuck', said: quote, repeats: turns.length, threshold: MIN_STUCK_TURNS, ...cost },
    pattern: 'stuck',
    tool: null,
    key: turns[0]!.span.spanId,
  };
}
