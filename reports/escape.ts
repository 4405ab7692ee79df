import { showBidiControls } from '../model/visible-bidi.js';

/**
 * Bidirectional-text controls are shown as `[U+202E]` by every function here (issue 15 F12).
 * Escaping for span-derived (untrusted) text in reports. Everything a span can influence —
 * agent, service, tool and operation names, summaries — goes through these before it is shown.
 */

/** HTML text and attribute values (quoted with "). */
export function escapeHtml(text: string): string {
  return showBidiControls(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Inline Markdown: one line (control characters and newlines become spaces), `&` and `<` as
 * entities (no raw HTML, no autolink brackets), every inline metacharacter backslash-escaped (no
 * link, image, code, emphasis or table cell can be injected; the text always sits mid-line, so
 * line-start syntax cannot apply), and `@` as `&#64;` so no chat mention fires.
 */
export function escapeMarkdown(text: string, maxLength = 200): string {
  const oneLine = truncate(showBidiControls(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' '), maxLength);
  return oneLine
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/[\\`*_[\]|~>]/g, (char) => `\\${char}`)
    .replace(/@/g, '&#64;');
}

/** Slack mrkdwn: only &, < and > are special (Slack's own rule); plus one line, truncated. */
export function escapeSlack(text: string, maxLength = 200): string {
  return truncate(showBidiControls(text).replace(/[\u0000-\u001f\u007f]+/g, ' '), maxLength)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
