import type { Attributes } from '../otlp.js';
import { readCount } from '../normalize/attribute-values.js';

/**
 * Input tokens read from the provider's prompt cache, whatever dialect reported them: OTel GenAI
 * `gen_ai.usage.cache_read.input_tokens`, OpenLLMetry `gen_ai.usage.cache_read_input_tokens`,
 * OpenInference `llm.token_count.prompt_details.cache_read`, Vercel AI SDK
 * `ai.usage.cachedInputTokens`. 0 when none says.
 */
const CACHED_INPUT_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.cachedInputTokens',
  'ai.usage.inputTokenDetails.cacheReadTokens',
] as const;

export function readCachedInputTokens(attributes: Attributes): number {
  for (const key of CACHED_INPUT_KEYS) {
    const count = readCount(attributes[key]);
    if (count !== null) return count;
  }
  return 0;
}
