/**
 * Finish reasons as every dialect spells them, mapped to one vocabulary (CONVENTIONS.md §4.7):
 * lower-case; `tool-calls`/`tool_calls`/`tool_use`/`function_call` → `tool_call`;
 * `content-filter`/`safety` and the providers' other block reasons (Bedrock `content_filtered`/
 * `guardrail_intervened`, Gemini `recitation`/`prohibited_content`/`blocklist`/`spii`) →
 * `content_filter`; `max_tokens`/`max_output_tokens`/`incomplete`/
 * `model_context_window_exceeded` → `length`; `end_turn`/`stop_sequence` → `stop`. Anything else is kept lower-cased (e.g.
 * `error`, `other`, `refusal`).
 */
const ALIASES: Record<string, string> = {
  'tool-calls': 'tool_call',
  'tool-call': 'tool_call',
  tool_calls: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  'content-filter': 'content_filter',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  prohibited_content: 'content_filter',
  blocklist: 'content_filter',
  spii: 'content_filter',
  image_safety: 'content_filter',
  model_context_window_exceeded: 'length',
  max_tokens: 'length',
  max_output_tokens: 'length',
  incomplete: 'length',
  end_turn: 'stop',
  stop_sequence: 'stop',
};

/** Normalises one raw finish reason; null for blank input. */
export function normalizeFinishReason(raw: string): string | null {
  const lower = raw.trim().toLowerCase();
  if (lower === '') return null;
  return Object.hasOwn(ALIASES, lower) ? ALIASES[lower]! : lower;
}
