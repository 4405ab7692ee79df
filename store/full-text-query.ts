/**
 * Turns what a person typed into an FTS5 MATCH expression over span_search: every word must
 * appear (AND), each word quoted so FTS5 operators and punctuation in the input mean nothing,
 * the last word also matching as a prefix ("lisb" finds Lisbon). Null when the input has no word.
 * At most 16 words are used.
 */
export function toFtsQuery(text: string): string | null {
  // Words as the index's unicode61 tokenizer cuts them (letters, digits and marks; `_` and all
  // punctuation separate), so no quoted word holds two tokens: with detail = none (migration
  // 0020) FTS5 refuses such a phrase ("order_42" is the two words order and 42).
  const words = text.match(/[\p{L}\p{N}\p{M}]+/gu);
  if (words === null) return null;
  const used = words.slice(0, 16);
  return used.map((word, index) => `"${word}"${index === used.length - 1 && word.length >= 3 ? '*' : ''}`).join(' ');
}
