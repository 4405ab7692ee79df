import type { Db } from './sqlite/database.js';
import type { CostSummary } from './api.js';
import type { PriceList } from '../model/pricing/price-list.js';
import { summarizeCosts, type UsageRow } from './cost-summary.js';
import { countedFlag } from './counted-flags.js';

/**
 * Money spent by runs starting in [sinceMs, untilMs): by model, by agent, and on the runs each
 * detector flagged (counted flags only). Tokens of models without a price are counted apart
 * (`unpricedCalls`), never guessed. Three GROUP BY queries over runs ⋈ run_models.
 */
export function readCostSummary(db: Db, sinceMs: number, untilMs: number, prices: PriceList): CostSummary {
  const since = BigInt(Math.floor(sinceMs)) * 1_000_000n;
  const until = BigInt(Math.floor(untilMs)) * 1_000_000n;
  const sums = `SUM(m.calls) AS calls, COUNT(DISTINCT r.trace_id) AS runs, SUM(m.input_tokens) AS inputTokens,
    SUM(m.output_tokens) AS outputTokens, SUM(m.cached_input_tokens) AS cachedInputTokens`;
  const byModelRows = db
    .prepare(`SELECT m.model AS model, NULL AS "group", ${sums} FROM runs r JOIN run_models m ON m.trace_id = r.trace_id
      WHERE r.start_ns >= ? AND r.start_ns < ? GROUP BY m.model`)
    .all(since, until) as UsageRow[];
  const byAgentRows = db
    .prepare(`SELECT m.model AS model, COALESCE(r.agent, r.service) AS "group", ${sums} FROM runs r JOIN run_models m ON m.trace_id = r.trace_id
      WHERE r.start_ns >= ? AND r.start_ns < ? GROUP BY 2, m.model`)
    .all(since, until) as UsageRow[];
  const burnedRows = db
    .prepare(`SELECT m.model AS model, fl.detector AS "group", ${sums}
      FROM (SELECT DISTINCT f.trace_id, f.detector FROM flags f WHERE f.run_start_ns >= ? AND f.run_start_ns < ? AND ${countedFlag('f')}) fl
      JOIN runs r ON r.trace_id = fl.trace_id JOIN run_models m ON m.trace_id = fl.trace_id GROUP BY fl.detector, m.model`)
    .all(since, until) as UsageRow[];

  return summarizeCosts({ byModel: byModelRows, byAgent: byAgentRows, burned: burnedRows }, prices);
}
