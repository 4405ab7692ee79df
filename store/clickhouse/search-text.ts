import { sqlString } from './sql-literal.js';

/**
 * Full-text search on ClickHouse without an index type: the SQLite backend's FTS5 match
 * (unicode61 tokens, case and diacritics folded, every word in one span, the last word also as
 * a prefix) done with `position` over a column of normalised words. Runs on 18.16 (no hasToken,
 * no token bloom filter) and current ClickHouse alike.
 *
 * The column holds a span's searchable text as its tokens — letters and digits, lower-cased,
 * diacritics removed — each followed by one space and the whole preceded by one, so ` word `
 * finds a whole word and ` wor` a word's prefix, in plain bytes.
 */

/** Letters and digits: what unicode61 keeps as token characters. */
const TOKEN = /[\p{L}\p{N}]+/gu;
/** What a person types as one word (as store/full-text-query.ts reads it for FTS5). */
const QUERY_WORD = /[\p{L}\p{N}_]+/gu;
const MAX_QUERY_WORDS = 16;

function tokens(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(TOKEN) ?? [];
}

/** The searchable column value of a text: ' tok1 tok2 … ', or '' when it has no word. */
export function searchColumnText(text: string): string {
  const words = tokens(text);
  return words.length === 0 ? '' : ` ${words.join(' ')} `;
}

/**
 * A condition on `column` that holds when every word of `query` is in it (a word of several
 * tokens, like `foo_bar`, as those tokens in a row), the last word of 3+ characters also as a
 * prefix; null when the query has no word.
 */
export function searchCondition(column: string, query: string): string | null {
  const words = (query.match(QUERY_WORD) ?? []).slice(0, MAX_QUERY_WORDS);
  const phrases = words
    .map((word, index) => ({ phrase: tokens(word).join(' '), prefix: index === words.length - 1 && word.length >= 3 }))
    .filter(({ phrase }) => phrase !== '');
  if (phrases.length === 0) return null;
  return phrases
    .map(({ phrase, prefix }) => `position(${column}, ${sqlString(` ${phrase}${prefix ? '' : ' '}`)}) > 0`)
    .join(' AND ');
}
