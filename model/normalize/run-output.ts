import type { Attributes } from '../otlp.js';
import { isRecord, parseJsonValue, readText } from './attribute-values.js';
import { readOtelOutputMessages } from './dialects/otel-genai.js';

/**
 * The output an agent or workflow span reports for the whole run, whatever the dialect:
 * OTel GenAI `gen_ai.output.messages` (text parts), Vercel `ai.response.text`, OpenInference
 * `output.value`, Traceloop `traceloop.entity.output` (JSON-encoded; `output`/`text`/`result`
 * fields of an object). Null when none is recorded. Not called at ingest: detectors read it for
 * the few agent spans of a trace (e.g. LangChain's "Agent stopped due to iteration limit…",
 * which is the executor's output, not a model's).
 */
export function readRunOutputText(attributes: Attributes): string | null {
  const messages = readOtelOutputMessages(attributes);
  if (messages !== null && messages.text !== null && messages.text !== '') return messages.text;
  const vercel = readText(attributes['ai.response.text']);
  if (vercel !== null) return vercel;
  for (const key of ['output.value', 'traceloop.entity.output']) {
    const raw = attributes[key];
    if (raw === undefined || raw === null) continue;
    const parsed = parseJsonValue(raw);
    if (typeof parsed === 'string') return parsed;
    if (isRecord(parsed)) {
      for (const field of ['output', 'text', 'result', 'answer', 'content']) {
        const value = parsed[field];
        if (typeof value === 'string') return value;
      }
    }
    const text = readText(raw);
    if (text !== null) return text;
  }
  return null;
}
