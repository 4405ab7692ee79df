/**
 * List prices of common models, in US dollars per million tokens, as the providers published
 * them on PRICES_AS_OF. Config (`pricing.models`) overrides an entry by its `model` and adds new
 * ones. `cachedInput` is the price of input tokens read from the provider's prompt cache; when a
 * provider has no such discount it equals `input`.
 *
 * A model name matches an entry when it equals the entry's `model` or starts with it followed by
 * `-`, `@`, `:` or `.` (dated snapshots: `gpt-4o-2024-08-06`, `claude-sonnet-4-5@20250929`); the
 * longest matching entry wins, and a `provider/` or `models/` prefix is ignored.
 */
export interface ModelPrice {
  model: string;
  /** USD per million input tokens (not read from cache). */
  input: number;
  /** USD per million output tokens. */
  output: number;
  /** USD per million input tokens read from the prompt cache. */
  cachedInput: number;
}

export const PRICES_AS_OF = '2026-11-01';

export const DEFAULT_PRICES: readonly ModelPrice[] = [
  { model: 'gpt-4o', input: 2.5, output: 10, cachedInput: 1.25 },
  { model: 'gpt-4o-mini', input: 0.15, output: 0.6, cachedInput: 0.075 },
  { model: 'gpt-4.1', input: 2, output: 8, cachedInput: 0.5 },
  { model: 'gpt-4.1-mini', input: 0.4, output: 1.6, cachedInput: 0.1 },
  { model: 'gpt-4.1-nano', input: 0.1, output: 0.4, cachedInput: 0.025 },
  { model: 'gpt-4-turbo', input: 10, output: 30, cachedInput: 10 },
  { model: 'gpt-3.5-turbo', input: 0.5, output: 1.5, cachedInput: 0.5 },
  { model: 'gpt-5', input: 1.25, output: 10, cachedInput: 0.125 },
  { model: 'gpt-5-mini', input: 0.25, output: 2, cachedInput: 0.025 },
  { model: 'gpt-5-nano', input: 0.05, output: 0.4, cachedInput: 0.005 },
  { model: 'o1', input: 15, output: 60, cachedInput: 7.5 },
  { model: 'o3', input: 2, output: 8, cachedInput: 0.5 },
  { model: 'o3-mini', input: 1.1, output: 4.4, cachedInput: 0.55 },
  { model: 'o4-mini', input: 1.1, output: 4.4, cachedInput: 0.275 },
  { model: 'claude-opus-4-1', input: 15, output: 75, cachedInput: 1.5 },
  { model: 'claude-opus-4', input: 15, output: 75, cachedInput: 1.5 },
  { model: 'claude-sonnet-4-5', input: 3, output: 15, cachedInput: 0.3 },
  { model: 'claude-sonnet-4', input: 3, output: 15, cachedInput: 0.3 },
  { model: 'claude-haiku-4-5', input: 1, output: 5, cachedInput: 0.1 },
  { model: 'claude-3-7-sonnet', input: 3, output: 15, cachedInput: 0.3 },
  { model: 'claude-3-5-sonnet', input: 3, output: 15, cachedInput: 0.3 },
  { model: 'claude-3-5-haiku', input: 0.8, output: 4, cachedInput: 0.08 },
  { model: 'claude-3-haiku', input: 0.25, output: 1.25, cachedInput: 0.03 },
  { model: 'gemini-2.5-pro', input: 1.25, output: 10, cachedInput: 0.31 },
  { model: 'gemini-2.5-flash', input: 0.3, output: 2.5, cachedInput: 0.075 },
  { model: 'gemini-2.5-flash-lite', input: 0.1, output: 0.4, cachedInput: 0.025 },
  { model: 'gemini-2.0-flash', input: 0.1, output: 0.4, cachedInput: 0.025 },
  { model: 'gemini-1.5-pro', input: 1.25, output: 5, cachedInput: 0.3125 },
  { model: 'gemini-1.5-flash', input: 0.075, output: 0.3, cachedInput: 0.01875 },
  { model: 'mistral-large', input: 2, output: 6, cachedInput: 2 },
  { model: 'mistral-small', input: 0.1, output: 0.3, cachedInput: 0.1 },
  { model: 'command-r-plus', input: 2.5, output: 10, cachedInput: 2.5 },
  { model: 'command-r', input: 0.15, output: 0.6, cachedInput: 0.15 },
];
