/**
 * Canonical forms of tool arguments and results, so calls that differ only in key order,
 * whitespace, letter case or volatile fields (ids, timestamps, nonces) compare equal.
 */

/**
 * Keys whose values change on every call without changing its meaning. In ARGUMENTS only
 * request bookkeeping is dropped (an `id` or `date` argument is meaningful: fetching item 2
 * after item 1 is progress); in RESULTS, generated ids and timestamps are dropped too.
 */
const VOLATILE_ARGUMENT_KEY = /^(nonce|request_?id|requestid|idempotency_?key|call_?id|tool_?call_?id|trace_?id|span_?id|timestamp|ts|now|attempt|retry|retries|seed|cache_?buster)$/i;
const VOLATILE_RESULT_KEY =
  /^(id|_id|uuid|guid|nonce|etag|request_?id|requestid|call_?id|tool_?call_?id|trace_?id|span_?id|timestamp|ts|time|now|server_?time|created(_at)?|updated(_at)?|started(_at)?|finished(_at)?|checked(_at)?|fetched(_at)?|generated(_at)?|elapsed(_ms)?|duration(_ms)?|latency(_ms)?|took(_ms)?|attempt|retry|retries|seed)$|[a-z](_at|At|_ts|Timestamp|_timestamp)$/;

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?\b/gi;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const LONG_HEX = /\b[0-9a-f]{16,}\b/gi;
/** Provider-generated ids: tool-call ids (`call_…`, `toolu_…`), response, run and message ids. */
const PROVIDER_ID = /\b(?:call|toolu|tool|fc|run|msg|req|resp|chatcmpl|thread|step)_[A-Za-z0-9]{8,}\b/g;

const CLOCK_TIME = /\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b/g;
const EPOCH = /\b1\d{9}(?:\d{3})?\b/g;

/**
 * Whitespace collapsed, trimmed, lower-cased, volatile tokens (timestamps, uuids, long hex ids,
 * provider ids such as `call_…`/`toolu_…`) masked; in results also clock times and epoch numbers ("checked at 10:02:03").
 */
export function canonicalString(text: string, role: 'arguments' | 'result' = 'arguments'): string {
  let out = text.replace(ISO_TIME, '<time>').replace(UUID, '<id>').replace(LONG_HEX, '<id>').replace(PROVIDER_ID, '<id>');
  if (role === 'result') out = out.replace(CLOCK_TIME, '<time>').replace(EPOCH, '<time>');
  return out.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Word tokens of a canonical text (for near-equality of long results). */
export function tokenSet(text: string): Set<string> {
  return new Set(text.match(/[\p{L}\p{N}_<>.-]+/gu) ?? []);
}

/** Jaccard similarity of two token sets (1 for two empty sets). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

function canonicalValue(value: unknown, depth: number, volatile: RegExp, role: 'arguments' | 'result'): unknown {
  if (depth > 20) return null;
  if (typeof value === 'string') {
    // JSON held in a string (MCP text content, tools that return JSON text): compared as JSON.
    const nested = value.length > 1 && (value[0] === '{' || value[0] === '[') ? parseJsonLoose(value) : undefined;
    return nested !== undefined && typeof nested === 'object' ? canonicalValue(nested, depth + 1, volatile, role) : canonicalString(value, role);
  }
  if (Array.isArray(value)) return value.map((item) => canonicalValue(item, depth + 1, volatile, role));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (volatile.test(key)) continue;
      out[key.toLowerCase()] = canonicalValue((value as Record<string, unknown>)[key], depth + 1, volatile, role);
    }
    return out;
  }
  return value;
}

const NO_ARGUMENTS = /^\s*(?:|\{\s*\}|\{\s*""\s*:\s*(?:""|null)\s*\}|null|\[\s*\]|""|\{\s*"(?:args|kwargs)"\s*:\s*(?:\[\s*\]|\{\s*\})\s*(?:,\s*"(?:args|kwargs)"\s*:\s*(?:\[\s*\]|\{\s*\})\s*)?\})\s*$/;

/** Parses JSON text when it is JSON (object, array or string), else undefined. */
export function parseJsonLoose(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const first = trimmed[0];
  if (first !== '{' && first !== '[' && first !== '"') return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The canonical text of arguments or a result: JSON with sorted keys, volatile keys dropped and
 * strings canonicalised; plain text canonicalised as a string. A JSON string holding JSON is
 * unwrapped once. null stays null (not captured). Arguments that say "nothing" in any spelling
 * ("", {}, {"": ""}, null, [], {"args": [], "kwargs": {}}) are all `{}`.
 */
export function canonicalText(text: string | null, role: 'arguments' | 'result' = 'arguments'): string | null {
  if (text === null) return null;
  // Equivalent spellings of "no arguments": "", "{}", {"": ""}, null, [] (tools called with nothing).
  if (role === 'arguments' && text.length <= 40 && NO_ARGUMENTS.test(text)) return '{}';
  let parsed = parseJsonLoose(text);
  if (typeof parsed === 'string') parsed = parseJsonLoose(parsed) ?? parsed;
  if (parsed === undefined) return canonicalString(text, role);
  if (typeof parsed === 'string') return canonicalString(parsed, role);
  return JSON.stringify(canonicalValue(parsed, 0, role === 'arguments' ? VOLATILE_ARGUMENT_KEY : VOLATILE_RESULT_KEY, role));
}

/** The first `maxChars` characters of a text, with an ellipsis when cut. */
/**
 * A short excerpt to put between double quotes in a summary: preview() with its own double
 * quotes turned into single ones, so a quoted JSON fragment never doubles the summary's quotes
 * (`("error: 'OrderService unavailable…'")`, not `("error: "OrderService unavailable…"")`).
 */
export function quotable(text: string, maxChars = 120): string {
  return (preview(text, maxChars) ?? '').replace(/["“”]/g, "'");
}

export function preview(text: string | null, maxChars = 120): string | null {
  if (text === null) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1)}…`;
}
