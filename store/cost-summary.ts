import type { CostSummary } from './api.js';
import { costOfUsage, type ModelUsage, type PriceList } from '../model/pricing/price-list.js';

/** Model usage of a group of runs (a model, an agent's runs, a detector's flagged runs) with one model. */
export interface UsageRow extends ModelUsage {
  group: string | null;
  calls: number;
  runs: number;
}

/**
 * The cost summary from usage rows grouped by model, by (agent, model) and by (detector, model):
 * priced at `prices`; models without a price are counted apart, never guessed. Backend-neutral.
 */
export function summarizeCosts(rows: { byModel: UsageRow[]; byAgent: UsageRow[]; burned: UsageRow[] }, prices: PriceList): CostSummary {
  const byModelRows = rows.byModel;
  const price = (row: UsageRow) => {
    if (row.inputTokens === 0 && row.outputTokens === 0) return 0;
    const found = prices.priceOf(row.model);
    return found === null ? null : costOfUsage(row, found);
  };
  let totalUsd = 0;
  let unpricedCalls = 0;
  const byModel = byModelRows
    .map((row) => {
      const costUsd = price(row);
      if (costUsd === null) unpricedCalls += row.calls;
      else totalUsd += costUsd;
      return { model: row.model, calls: row.calls, tokens: row.inputTokens + row.outputTokens, costUsd };
    })
    .sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.tokens - a.tokens);
  return { totalUsd, unpricedCalls, byModel, byAgent: groupCosts(rows.byAgent, price), burnedByDetector: groupCosts(rows.burned, price) };
}


/** Per group: the known cost summed, and whether some of its calls had no price. */
function groupCosts(rows: UsageRow[], price: (row: UsageRow) => number | null): { key: string; runs: number; costUsd: number; partial: boolean }[] {
  const groups = new Map<string, { key: string; runs: number; costUsd: number; partial: boolean }>();
  for (const row of rows) {
    const key = row.group ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, runs: 0, costUsd: 0, partial: false };
      groups.set(key, group);
    }
    group.runs = Math.max(group.runs, row.runs);
    const cost = price(row);
    if (cost === null) group.partial = true;
    else group.costUsd += cost;
  }
  return [...groups.values()].sort((a, b) => b.costUsd - a.costUsd);
}
