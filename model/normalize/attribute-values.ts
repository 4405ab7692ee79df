import type { AttributeValue, Attributes } from '../otlp.js';
import type { CandidateKey } from './dialect-mask.js';

/**
 * Total readers of untrusted attribute values. None of them throws: a value of the wrong type
 * reads as null, so a later key in the reading order gets its turn.
 */

/** A non-empty string, or a number/boolean as its decimal text; null otherwise. */
export function readString(value: AttributeValue | undefined): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A string including the empty one ('' is meaningful for output text); null for non-strings. */
export function readText(value: AttributeValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * A token count: a finite non-negative number (int64 beyond 2^53 arrives as a decimal string,
 * see model/otlp.ts), truncated to an integer; null otherwise.
 */
export function readCount(value: AttributeValue | undefined): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.length > 0 && value.length <= 20 && /^\d+$/.test(value)) n = Number(value);
  else return null;
  return Number.isFinite(n) && n >= 0 ? Math.trunc(n) : null;
}

/**
 * Text as stored in ToolCall/LlmCall: strings as they are, structured values (objects,
 * arrays) and scalars as JSON text; null when absent.
 */
export function toJsonText(value: AttributeValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

/**
 * A JSON-shaped value: structured AnyValues as they are, strings that look like JSON parsed
 * (once; the caller keeps the result). Returns undefined when absent or unparseable.
 */
export function parseJsonValue(value: AttributeValue | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value;
  const first = firstNonSpace(value);
  if (first !== '[' && first !== '{' && first !== '"') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length && i < 64; i++) {
    const c = text[i]!;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
  }
  return '';
}

/**
 * The value of the first key in `keys` that reads as non-null with `read`; null when none.
 * Keys whose family is not in `mask` (see dialect-mask.ts) are not probed.
 */
export function firstOf<T>(
  attributes: Attributes,
  mask: number,
  keys: readonly CandidateKey[],
  read: (value: AttributeValue | undefined) => T | null,
): T | null {
  for (let i = 0; i < keys.length; i++) {
    const candidate = keys[i]!;
    if ((candidate.family & mask) === 0) continue;
    const value = attributes[candidate.key];
    if (value === undefined || value === null) continue;
    const out = read(value);
    if (out !== null) return out;
  }
  return null;
}

/** True when `value` is a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keys of a flattened list, `${prefix}${index}${suffix}`, built once per index and kept: property
 * lookups with freshly concatenated strings must hash them on every call, constants need not.
 */
export function indexedKeys(prefix: string, suffix: string): (index: number) => string {
  const built: string[] = [];
  return (index) => (built[index] ??= `${prefix}${index}${suffix}`);
}
