import type { AttributeValue, Attributes, OtlpEvent } from '../model/otlp.js';
import type { NormalizedSpan } from '../model/span.js';
import type { Config } from '../config/schema.js';
import { BUILTIN_ORDER, BUILTIN_PATTERNS, marker, mayHoldBuiltinSecret, type RedactionPattern } from './redaction-patterns.js';

/** The attribute that lists, sorted, the pattern names redacted anywhere in a span. */
export const REDACTED_ATTRIBUTE = 'tracehound.redacted';
/** Marker name of a value replaced because its key is on `redaction.denyAttributes`. */
export const DENIED = 'attribute';
/** Strings shorter than this hold no secret any pattern knows (the shortest is an e-mail). */
const MIN_SECRET_LENGTH = 6;
/** Nesting depth past which values are replaced whole rather than walked. */
const MAX_DEPTH = 64;
const KEY_CACHE_LIMIT = 10_000;
/** Values at least this long are remembered for the span (repeats are common and long). */
const MIN_REMEMBERED_LENGTH = 32;
const NO_NAMES: string[] = [];

export type Redactor = (span: NormalizedSpan) => NormalizedSpan;

export interface RedactorOptions {
  /** Called once per redacted value with the pattern's name (metrics). */
  onRedacted?: (pattern: string) => void;
}

/**
 * Builds the ingest-time redactor: a pure function from a span to the span with secrets and
 * personal data replaced by `[REDACTED:NAME]` in its name, status message, attributes (nested
 * values too), event attributes, resource attributes, tool arguments and result, and LLM output
 * text; and with `tracehound.redacted` set to the names that were found. A span with nothing to
 * redact is returned as is (same object); a sender's own `tracehound.redacted` is dropped.
 *
 * Cost: each string value pays one `includes`/small test per enabled pattern; the regular
 * expressions run only on strings whose hint matched. Attribute-key deny checks are cached.
 */
export function createRedactor(config: Config['redaction'], options: RedactorOptions = {}): Redactor {
  if (!config.enabled) return (span) => stripSpoofedMarker(span);
  const patterns: RedactionPattern[] = [
    ...BUILTIN_ORDER.filter((name) => (config.builtin as readonly string[]).includes(name)).map((name) => BUILTIN_PATTERNS[name]!),
    ...config.patterns.map((pattern) => ({
      name: pattern.name,
      regex: new RegExp(pattern.regex, pattern.ignoreCase ? 'gi' : 'g'),
      hint: () => true,
    })),
  ];
  const isDenied = createKeyDenier(config.denyAttributes);
  const onRedacted = options.onRedacted;

  /** Names found while redacting the current span. */
  let found: Set<string> | null = null;
  /** Names noted while the current string's patterns run (replayed for a repeated value). */
  let noted: string[] | null = null;
  const note = (name: string) => {
    (found ??= new Set()).add(name);
    noted?.push(name);
    onRedacted?.(name);
  };
  const replacers = new Map<RedactionPattern, (match: string, ...groups: string[]) => string>();
  for (const pattern of patterns) {
    const custom = pattern.replace;
    replacers.set(
      pattern,
      custom === undefined
        ? () => {
            note(pattern.name);
            return marker(pattern.name);
          }
        : (match, ...groups) => {
            const replaced = custom(match, ...groups);
            if (replaced !== match) note(pattern.name);
            return replaced;
          },
    );
  }

  // One scan that every built-in hint implies: most strings hold none of these and stop here.
  const prefilter = config.patterns.length > 0 ? null : mayHoldBuiltinSecret;
  // The same value often reaches the redactor twice in one span (a tool call's arguments and
  // result are also attributes): long values and their result are remembered for the span.
  let seen: { text: string; out: string; names: string[] }[] = [];
  const redactString = (text: string): string => {
    if (text.length < MIN_SECRET_LENGTH) return text;
    const remember = text.length >= MIN_REMEMBERED_LENGTH;
    if (remember) {
      for (const entry of seen) {
        if (entry.text !== text) continue;
        for (const name of entry.names) note(name); // each value counts in the metrics, as before
        return entry.out;
      }
    }
    if (prefilter !== null && !prefilter(text)) {
      if (remember) seen.push({ text, out: text, names: NO_NAMES });
      return text;
    }
    const names: string[] = [];
    noted = names;
    const out = runPatterns(text);
    noted = null;
    seen.push({ text, out, names });
    return out;
  };
  const runPatterns = (text: string): string => {
    let out = text;
    for (const pattern of patterns) {
      if (!pattern.hint(out)) continue;
      pattern.regex.lastIndex = 0;
      out = out.replace(pattern.regex, replacers.get(pattern)!);
    }
    return out;
  };

  const redactValue = (value: AttributeValue, depth: number): AttributeValue => {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) {
      note(DENIED);
      return marker(DENIED);
    }
    if (Array.isArray(value)) {
      let copy: AttributeValue[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const next = redactValue(value[i]!, depth + 1);
        if (next !== value[i]) (copy ??= value.slice())[i] = next;
      }
      return copy ?? value;
    }
    return redactAttributes(value, depth + 1);
  };

  const redactAttributes = (attributes: Attributes, depth: number): Attributes => {
    let copy: Attributes | null = null;
    for (const key in attributes) {
      const value = attributes[key]!;
      let next: AttributeValue;
      if (isDenied(key) && value !== null && value !== '') {
        note(DENIED);
        next = marker(DENIED);
      } else {
        next = redactValue(value, depth);
      }
      if (next !== value) (copy ??= { ...attributes })[key] = next;
    }
    return copy ?? attributes;
  };

  const redactNullable = (text: string | null) => (text === null ? null : redactString(text));
  const resourceCache = new WeakMap<Attributes, { redacted: Attributes; names: string[] }>();

  return (span) => {
    found = null;
    seen = [];
    let resource = resourceCache.get(span.resource);
    if (resource === undefined) {
      const redacted = redactAttributes(span.resource, 0);
      resource = { redacted, names: found === null ? [] : [...(found as Set<string>)] };
      resourceCache.set(span.resource, resource);
      found = null;
    }
    const name = redactString(span.name);
    const operation = redactString(span.operation);
    const statusMessage = redactString(span.statusMessage);
    let attributes = redactAttributes(span.attributes, 0);
    let events = span.events;
    for (let i = 0; i < span.events.length; i++) {
      const event = span.events[i]!;
      const eventAttributes = redactAttributes(event.attributes, 0);
      if (eventAttributes !== event.attributes) {
        if (events === span.events) events = span.events.slice();
        events[i] = { ...event, attributes: eventAttributes } satisfies OtlpEvent;
      }
    }
    let tool = span.tool;
    if (tool !== null) {
      const args = redactNullable(tool.arguments);
      const result = redactNullable(tool.result);
      const toolName = redactString(tool.name);
      if (args !== tool.arguments || result !== tool.result || toolName !== tool.name) tool = { ...tool, name: toolName, arguments: args, result };
    }
    let llm = span.llm;
    if (llm !== null && llm.outputText !== null) {
      const outputText = redactString(llm.outputText);
      if (outputText !== llm.outputText) llm = { ...llm, outputText };
    }
    for (const resourceName of resource.names) (found ??= new Set()).add(resourceName);
    const spoofed = REDACTED_ATTRIBUTE in attributes;
    if (found === null && !spoofed && resource.redacted === span.resource) return span;
    if (spoofed || found !== null) {
      attributes = { ...attributes };
      delete attributes[REDACTED_ATTRIBUTE];
      if (found !== null) attributes[REDACTED_ATTRIBUTE] = [...(found as Set<string>)].sort();
    }
    return { ...span, name, operation, statusMessage, attributes, events, tool, llm, resource: resource.redacted };
  };
}

function stripSpoofedMarker(span: NormalizedSpan): NormalizedSpan {
  if (!(REDACTED_ATTRIBUTE in span.attributes)) return span;
  const attributes = { ...span.attributes };
  delete attributes[REDACTED_ATTRIBUTE];
  return { ...span, attributes };
}

/** Case-insensitive glob matcher (`*` = any run of characters) over attribute keys, cached. */
function createKeyDenier(globs: readonly string[]): (key: string) => boolean {
  if (globs.length === 0) return () => false;
  const source = globs.map((glob) => glob.split('*').map(escapeRegExp).join('.*')).join('|');
  const regex = new RegExp(`^(?:${source})$`, 'i');
  const cache = new Map<string, boolean>();
  return (key) => {
    let denied = cache.get(key);
    if (denied === undefined) {
      denied = regex.test(key);
      if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
      cache.set(key, denied);
    }
    return denied;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
