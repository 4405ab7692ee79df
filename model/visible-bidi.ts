/**
 * Bidirectional-text controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates,
 * U+200E/U+200F/U+061C marks) let a name such as `report\u202Efdp.exe` display as
 * `reportexe.pdf`. Span content is untrusted, so wherever it is shown (pages, reports, chat
 * messages) each such control is replaced by a visible `[U+202E]`; stored data and the JSON API
 * keep the original text.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function showBidiControls(text: string): string {
  BIDI_CONTROLS.lastIndex = 0;
  if (!BIDI_CONTROLS.test(text)) return text;
  return text.replace(BIDI_CONTROLS, (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}
