/**
 * Turns what a person typed into an FTS5 MATCH expression over span_search: every word must
 * appear (AND), each word quoted so FTS5 operators and punctuation in the input mean nothing,
 * the last word also matching as a prefix ("lisb" finds Lisbon). Null when the input has no word.
 * At most 16 words are used.
 */
export function toFtsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (words === null) return null;
  const used = words.slice(0, 16);
  return used.map((word, index) => `"${word}"${index === used.length - 1 && word.length >= 3 ? '*' : ''}`).join(' ');
}
