/**
 * What the helpers do with captured content (prompts, answers, tool arguments and results)
 * before it becomes a span attribute: serialise, redact, then cap the length. Content is
 * opt-out: `captureContent: false` records none of it (token counts, models, names and errors
 * are still recorded).
 */

/** Which attribute a piece of content is about to be written to, for the redaction hook. */
export interface ContentField {
  /** The attribute key, e.g. `gen_ai.tool.call.arguments`. */
  attribute: string;
}

/**
 * Called with every piece of content (already serialised to text) before it is recorded.
 * Return the text to record (e.g. with secrets masked) or `undefined` to drop it. A hook that
 * throws drops the content; it never breaks the agent.
 */
export type RedactContent = (text: string, field: ContentField) => string | undefined;

export interface ContentOptions {
  /** Record content at all. Default true. */
  captureContent: boolean;
  /** Longest recorded text per attribute, in characters; longer text is cut and marked. Default 16384. */
  maxContentChars: number;
  redact: RedactContent | undefined;
}

export const DEFAULT_MAX_CONTENT_CHARS = 16_384;

let current: ContentOptions = { captureContent: true, maxContentChars: DEFAULT_MAX_CONTENT_CHARS, redact: undefined };

/** Sets the process-wide content options (startTracing calls this). */
export function configureContentCapture(options: Partial<ContentOptions>): void {
  current = {
    captureContent: options.captureContent ?? current.captureContent,
    maxContentChars: Math.max(16, Math.floor(options.maxContentChars ?? current.maxContentChars)),
    redact: 'redact' in options ? options.redact : current.redact,
  };
}

export function contentOptions(): ContentOptions {
  return current;
}

/**
 * The text to record for `value` under `attribute`, or undefined when nothing should be
 * recorded (capture off, value undefined, redacted away). Strings are kept as they are; other
 * values are JSON-encoded (values JSON cannot encode fall back to String()).
 */
export function captureContent(value: unknown, attribute: string): string | undefined {
  if (!current.captureContent || value === undefined) return undefined;
  let text = toText(value);
  if (current.redact !== undefined) {
    try {
      const redacted = current.redact(text, { attribute });
      if (redacted === undefined) return undefined;
      text = String(redacted);
    } catch {
      return undefined;
    }
  }
  return truncate(text, current.maxContentChars);
}

/** JSON text of `value`; strings unchanged. Never throws (cycles, BigInt). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * `text` cut so that it plus a marker saying how many characters were dropped fits in
 * `maxChars` characters.
 */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const markerChars = `…[truncated ${text.length} chars]`.length;
  const kept = Math.max(0, maxChars - markerChars);
  return `${text.slice(0, kept)}…[truncated ${text.length - kept} chars]`;
}
