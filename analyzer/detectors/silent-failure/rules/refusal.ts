import { preview, quotable } from '../../canonical-text.js';
import { finalTurnEvidence, type SilentFailureRule } from '../rule.js';

/**
 * refusal (DETECTION.md S5): the final answer is a short refusal ("I'm sorry, but I can't help
 * with that"), at most `analyzer.silentFailure.refusalMaxChars` long, from a turn that asked for
 * no tool; or the provider says so (finish reason `refusal`, Anthropic's stop reason).
 */
export const refusalRule: SilentFailureRule = {
  name: 'refusal',
  scope: 'final_turn',
  judge(_run, final, options) {
    const text = final.text;
    if (final.llm.finishReason !== 'refusal' && (text === null || final.asksForTools || !isRefusal(text, options.refusalMaxChars))) return null;
    return {
      severity: 'warning',
      summary: text !== null && text.trim() !== '' ? `The final answer is a refusal: "${quotable(text, 100)}".` : 'The model refused to answer (finish reason "refusal").',
      spanIds: [final.span.spanId],
      evidence: { rule: 'refusal', ...finalTurnEvidence(final), answer: preview(text, 300) },
      pattern: 'refusal',
      tool: null,
      key: final.span.spanId,
    };
  },
};

const REFUSAL_OPENING = /^(?:i['’]?m sorry|i am sorry|sorry|i apologi[sz]e|my apologies|unfortunately|i['’]?m afraid|i am afraid|as an ai|as a language model|i cannot|i can['’]?t|i can not|i['’]?m unable|i am unable|i['’]?m not able|i am not able|i won['’]?t|i will not|i must decline|i['’]?m not (?:allowed|permitted)|i am not (?:allowed|permitted))/i;
/**
 * "can't / unable to / won't" followed by an action an assistant or agent would be asked to do:
 * the sentence declines it. Idioms ("can't wait", "can't promise sunshine") are not actions.
 */
const REFUSAL_VERB =
  /\b(?:can(?:not|['’]?t| not)|unable to|not able to|won['’]?t|will not|must decline|not (?:allowed|permitted) to|decline to)\s+(?:(?:help|assist|comply|fulfil+|provide|do|support|answer|engage|share|complete|process|continue|proceed|perform|generate|create|give|discuss|write|produce|offer|participate|respond|handle|carry out|access|look up|retrieve|find|book|make|log ?in(?:to)?|sign ?in(?:to)?|purchase|buy|pay|send|execute|run|open|browse|visit|navigate|modify|delete|change|contact|order|transfer|reveal|disclose|interact|view|read|check|confirm|place|submit|cancel|edit|update|install|download|upload|search|browse|connect|reach|get|fetch|recommend|advise|give)\b|with\b)/i;
const DECLINE = /\b(?:must|have to|need to) decline\b|\bdecline (?:this|that|your) request\b|\bnot something i can (?:help|assist|do)\b/i;
/** Characters after the refusal's own sentence beyond which the answer is help that opens with an apology. */
const REFUSAL_TAIL_MAX_CHARS = 200;

/** `text` (at most `maxChars` long) declines the request rather than answering it. */
export function isRefusal(text: string, maxChars: number): boolean {
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
