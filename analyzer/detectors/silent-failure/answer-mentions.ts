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
 * False for a null or blank answer.
 */
export function answerMentions(answer: string | null, errorText: string, context = ''): boolean {
  if (answer === null || answer.trim() === '') return false;
  if (ACKNOWLEDGES_FAILURE.test(answer)) return true;
  const errorWords = contentWords(errorText);
  for (const word of contentWords(context)) errorWords.delete(word);
  if (errorWords.size === 0) return false;
  let shared = 0;
  for (const word of contentWords(answer)) if (errorWords.has(word) && ++shared >= 2) return true;
  return false;
}
