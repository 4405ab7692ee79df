import type { Attributes } from '../otlp.js';

/**
 * Which dialects' key families a span's attributes contain, as a bit mask, found in one pass
 * over the keys. The normaliser probes a candidate key only when its family is present, which
 * keeps plain (non-AI) spans and single-dialect spans cheap: a missing-key lookup costs more
 * than a bit test, and most spans carry only one family.
 */
export const GEN_AI = 1;
export const OPENINFERENCE = 2;
export const VERCEL_AI = 4;
export const TRACELOOP = 8;
export const LANGFUSE = 16;

/** The family of one attribute key (0 when it belongs to none the normaliser reads). */
export function keyFamily(key: string): number {
  switch (key.charCodeAt(0)) {
    case 103: // g
      return key.startsWith('gen_ai.') ? GEN_AI : 0;
    case 97: // a
      return key.startsWith('ai.') ? VERCEL_AI : key.startsWith('agent.') ? OPENINFERENCE : 0;
    case 108: // l
      // llm.* is OpenInference, except llm.request.type / llm.usage.* which OpenLLMetry writes.
      return key.startsWith('llm.') ? OPENINFERENCE | TRACELOOP : key.startsWith('langfuse.') ? LANGFUSE : 0;
    case 116: // t
      return key.startsWith('traceloop.') ? TRACELOOP : key.startsWith('tool.') ? OPENINFERENCE : 0;
    case 111: // o
      return key.startsWith('openinference.') || key.startsWith('output.') ? OPENINFERENCE : 0;
    case 105: // i
      return key.startsWith('input.') ? OPENINFERENCE : 0;
    case 115: // s
      return key.startsWith('session.') ? OPENINFERENCE : 0;
    default:
      return 0;
  }
}

/** The union of the families of all keys of `attributes`. */
export function dialectMask(attributes: Attributes): number {
  let mask = 0;
  for (const key in attributes) mask |= keyFamily(key);
  return mask;
}

/** A candidate key with its family, precomputed once per key list. */
export interface CandidateKey {
  key: string;
  family: number;
}

export function candidateKeys(keys: readonly string[]): CandidateKey[] {
  return keys.map((key) => ({ key, family: keyFamily(key) }));
}
