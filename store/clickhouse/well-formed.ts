/**
 * ClickHouse's JSON parser refuses a lone UTF-16 surrogate (`\ud800` without its pair: "Cannot
 * parse escape sequence"), which JSON.stringify writes for a lone surrogate in a JS string. Span
 * content is untrusted, so every string column goes through this before an insert: lone
 * surrogates become U+FFFD, as a UTF-8 encoder would make them; all else is kept.
 */
export function wellFormed(value: string): string {
  // Fast path: most strings have no surrogate at all.
  if (!/[\ud800-\udfff]/.test(value)) return value;
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

/** A flat row with every top-level string made well-formed (nested values are left as they are). */
export function wellFormedRow(row: object): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'string' ? wellFormed(value) : value;
  return out;
}
