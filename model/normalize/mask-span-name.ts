/**
 * Span names made low-cardinality for baseline keys: UUIDs, long hex runs, long id-like tokens
 * that contain digits, and standalone numbers become `*`. `GET /users/42` → `GET /users/*`,
 * `step 3` → `step *`, `run 9f8e7d6c5b4a` → `run *`; `gpt-4o` stays.
 * Names are cut to MAX_NAME_CHARS first, so the regular expressions never run over huge input.
 */
const MAX_NAME_CHARS = 200;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_ID = /\b(?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{16,}\b/g;
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi;
const NUMBER = /\b\d+\b/g;

/** Bounded memo: span names repeat heavily, so masking is usually one Map lookup. */
const memo = new Map<string, string>();
const MEMO_LIMIT = 4096;

export function maskSpanName(name: string): string {
  const known = memo.get(name);
  if (known !== undefined) return known;
  const cut = name.length > MAX_NAME_CHARS ? name.slice(0, MAX_NAME_CHARS) : name;
  const masked = cut.replace(UUID, '*').replace(LONG_ID, '*').replace(HEX, '*').replace(NUMBER, '*');
  if (name.length <= MAX_NAME_CHARS) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(name, masked);
  }
  return masked;
}
