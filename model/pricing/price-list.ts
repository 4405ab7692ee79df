import { DEFAULT_PRICES, type ModelPrice } from './price-table.js';

/** Tokens one model used, the input count including cached input tokens (as OTel GenAI counts them). */
export interface ModelUsage {
  /** '' when the calls did not name their model. */
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/**
 * The prices in force: the repo's table with config's entries laid over it. `priceOf` is
 * memoised per model name (a handful of distinct names per database).
 */
export interface PriceList {
  /** The price of `model`, or null when no entry matches (its cost is unknown). */
  priceOf(model: string): ModelPrice | null;
  /** Every entry, repo table and config merged, by model name. */
  entries(): readonly ModelPrice[];
}

export function createPriceList(overrides: readonly ModelPrice[] = []): PriceList {
  const byModel = new Map<string, ModelPrice>();
  for (const entry of [...DEFAULT_PRICES, ...overrides]) byModel.set(entry.model.toLowerCase(), entry);
  const names = [...byModel.keys()].sort((a, b) => b.length - a.length);
  const memo = new Map<string, ModelPrice | null>();
  return {
    priceOf(model) {
      let price = memo.get(model);
      if (price !== undefined) return price;
      price = match(model.toLowerCase(), names, byModel);
      if (memo.size < 10_000) memo.set(model, price);
      return price;
    },
    entries: () => [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model)),
  };
}

function match(model: string, names: readonly string[], byModel: Map<string, ModelPrice>): ModelPrice | null {
  if (model === '') return null;
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  for (const candidate of [model, bare]) {
    const exact = byModel.get(candidate);
    if (exact !== undefined) return exact;
    for (const name of names) {
      if (candidate.length > name.length && candidate.startsWith(name) && '-@:.'.includes(candidate[name.length]!)) {
        return byModel.get(name)!;
      }
    }
  }
  return null;
}

/**
 * Cost in USD of `usage` at `price`. Cached input tokens are part of `inputTokens` and are billed
 * at the cached rate (clamped so a sender that counts them apart is never billed negative).
 */
export function costOfUsage(usage: ModelUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  return ((usage.inputTokens - cached) * price.input + cached * price.cachedInput + usage.outputTokens * price.output) / 1e6;
}

/**
 * Total cost of several models' usage; null when any model that used tokens has no price
 * (an unknown part makes the total unknown). No usage costs 0.
 */
export function totalCost(usages: Iterable<ModelUsage>, prices: PriceList): number | null {
  let total = 0;
  for (const usage of usages) {
    if (usage.inputTokens === 0 && usage.outputTokens === 0) continue;
    const price = prices.priceOf(usage.model);
    if (price === null) return null;
    total += costOfUsage(usage, price);
  }
  return total;
}
