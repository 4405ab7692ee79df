import type { AttributeValue, Attributes, OtlpLink, OtlpScope, OtlpSpan } from '../model/otlp.js';
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

/** One OTLP span with the resource and scope it came with, as decoded. */
export interface RedactableOtlp {
  span: OtlpSpan;
  resource: Attributes;
  scope: OtlpScope;
}

/**
 * The ingest-time redactor. Ingest calls `otlp` on each decoded span BEFORE normalising it, so
 * every value derived from it (service, agent, session id, operation and baseline keys, model
 * and tool names, run rows) is derived from redacted text; then `derived` on the normalised
 * span, which catches secrets that only appear once normalisation decoded them (JSON escapes).
 * Called as a function, it redacts a whole NormalizedSpan in one pass (tools, tests).
 * Each returns its input object unchanged when nothing was redacted.
 */
export interface Redactor {
  (span: NormalizedSpan): NormalizedSpan;
  /**
   * Redacts every string of a decoded span: name, status message, attribute values (nested
   * too) and denied keys, event names and attributes, link attributes, resource attributes and
   * scope name/version. Drops a sender's own `tracehound.redacted` and sets ours.
   */
  otlp(input: RedactableOtlp): RedactableOtlp;
  /** Redacts the derived fields of a normalised span, adding what it found to `tracehound.redacted`. */
  derived(span: NormalizedSpan): NormalizedSpan;
}

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
  if (!config.enabled) {
    const off = ((span: NormalizedSpan) => stripSpoofedMarker(span)) as Redactor;
    off.otlp = (input) => {
      if (!(REDACTED_ATTRIBUTE in input.span.attributes)) return input;
      const attributes = { ...input.span.attributes };
      delete attributes[REDACTED_ATTRIBUTE];
      return { ...input, span: { ...input.span, attributes } };
    };
    off.derived = (span) => span;
    return off;
  }
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
  const begin = () => {
    found = null;
    seen = [];
  };
  /** A resource is shared by the spans of one ResourceSpans: redacted once, its names replayed. */
  const redactResource = (attributes: Attributes): Attributes => {
    let resource = resourceCache.get(attributes);
    if (resource === undefined) {
      const outer = found;
      found = null;
      const redacted = redactAttributes(attributes, 0);
      resource = { redacted, names: found === null ? [] : [...(found as Set<string>)] };
      resourceCache.set(attributes, resource);
      found = outer;
    }
    for (const resourceName of resource.names) (found ??= new Set()).add(resourceName);
    return resource.redacted;
  };
  const redactEvents = <E extends { name: string; attributes: Attributes }>(events: E[]): E[] => {
    let copy = events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const name = redactString(event.name);
      const attributes = redactAttributes(event.attributes, 0);
      if (attributes !== event.attributes || name !== event.name) {
        if (copy === events) copy = events.slice();
        copy[i] = { ...event, name, attributes };
      }
    }
    return copy;
  };
  const redactLinks = (links: OtlpLink[]): OtlpLink[] => {
    let copy = links;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const attributes = redactAttributes(link.attributes, 0);
      if (attributes !== link.attributes) {
        if (copy === links) copy = links.slice();
        copy[i] = { ...link, attributes };
      }
    }
    return copy;
  };
  /** Sets `tracehound.redacted` from what this pass found: replacing a sender's own (strip) or adding to ours. */
  const markFound = (attributes: Attributes, strip: boolean): Attributes => {
    const spoofed = strip && REDACTED_ATTRIBUTE in attributes;
    if (found === null && !spoofed) return attributes;
    const out = { ...attributes };
    const earlier = !strip && Array.isArray(out[REDACTED_ATTRIBUTE]) ? (out[REDACTED_ATTRIBUTE] as AttributeValue[]).map(String) : [];
    delete out[REDACTED_ATTRIBUTE];
    if (found !== null) out[REDACTED_ATTRIBUTE] = [...new Set([...earlier, ...(found as Set<string>)])].sort();
    else if (earlier.length > 0) out[REDACTED_ATTRIBUTE] = earlier;
    return out;
  };
  /** The fields normalisation derives (run, baseline and page keys), redacted; same object when clean. */
  const redactDerivedFields = (span: NormalizedSpan): Partial<NormalizedSpan> | null => {
    const service = redactString(span.service);
    const agent = redactNullable(span.agent);
    const sessionId = redactNullable(span.sessionId);
    const operation = redactString(span.operation);
    const scopeName = redactString(span.scopeName);
    let tool = span.tool;
    if (tool !== null) {
      const args = redactNullable(tool.arguments);
      const result = redactNullable(tool.result);
      const toolName = redactString(tool.name);
      if (args !== tool.arguments || result !== tool.result || toolName !== tool.name) tool = { ...tool, name: toolName, arguments: args, result };
    }
    let llm = span.llm;
    if (llm !== null) {
      const model = redactNullable(llm.model);
      const provider = redactNullable(llm.provider);
      const finishReason = redactNullable(llm.finishReason);
      const outputText = redactNullable(llm.outputText);
      let toolCallNames = llm.toolCallNames;
      for (let i = 0; i < toolCallNames.length; i++) {
        const next = redactString(toolCallNames[i]!);
        if (next !== toolCallNames[i]) (toolCallNames === llm.toolCallNames ? (toolCallNames = toolCallNames.slice()) : toolCallNames)[i] = next;
      }
      if (model !== llm.model || provider !== llm.provider || finishReason !== llm.finishReason || outputText !== llm.outputText || toolCallNames !== llm.toolCallNames) {
        llm = { ...llm, model, provider, finishReason, outputText, toolCallNames };
      }
    }
    if (
      service === span.service && agent === span.agent && sessionId === span.sessionId && operation === span.operation &&
      scopeName === span.scopeName && tool === span.tool && llm === span.llm
    ) return null;
    return { service, agent, sessionId, operation, scopeName, tool, llm };
  };

  const redactNormalized = ((span: NormalizedSpan): NormalizedSpan => {
    begin();
    const resource = redactResource(span.resource);
    const name = redactString(span.name);
    const statusMessage = redactString(span.statusMessage);
    const attributes = redactAttributes(span.attributes, 0);
    const events = redactEvents(span.events);
    const derived = redactDerivedFields(span);
    const marked = markFound(attributes, true);
    if (
      derived === null && marked === span.attributes && resource === span.resource && name === span.name &&
      statusMessage === span.statusMessage && events === span.events
    ) return span;
    return { ...span, ...derived, name, statusMessage, attributes: marked, events, resource };
  }) as Redactor;

  redactNormalized.otlp = (input) => {
    begin();
    const resource = redactResource(input.resource);
    const { span, scope } = input;
    const name = redactString(span.name);
    const statusMessage = redactString(span.statusMessage);
    const attributes = redactAttributes(span.attributes, 0);
    const events = redactEvents(span.events);
    const links = redactLinks(span.links);
    const scopeName = redactString(scope.name);
    const scopeVersion = redactString(scope.version);
    const marked = markFound(attributes, true);
    const outSpan =
      name === span.name && statusMessage === span.statusMessage && marked === span.attributes && events === span.events && links === span.links
        ? span
        : { ...span, name, statusMessage, attributes: marked, events, links };
    const outScope = scopeName === scope.name && scopeVersion === scope.version ? scope : { ...scope, name: scopeName, version: scopeVersion };
    return { span: outSpan, resource, scope: outScope };
  };

  redactNormalized.derived = (span) => {
    begin();
    const derived = redactDerivedFields(span);
    if (derived === null) return span;
    return { ...span, ...derived, attributes: markFound(span.attributes, false) };
  };
  return redactNormalized;
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
