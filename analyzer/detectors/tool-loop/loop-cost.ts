import type { NormalizedSpan } from '../../../model/span.js';
import { nanosToIso } from '../../../model/time.js';
import type { AnalysisTrace } from '../../analysis-trace.js';

/** What a loop cost: its time window and the model calls (tokens) made inside it. */
export interface LoopCost {
  firstStart: string;
  lastEnd: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
}

/** Time from the first span's start to the last one's end, and the LLM tokens spent in between (the spans' own when they are model calls). */
export function loopCost(trace: AnalysisTrace, spans: readonly NormalizedSpan[]): LoopCost {
  const first = spans[0]!;
  let endNs = first.endTimeUnixNano;
  for (const span of spans) if (span.endTimeUnixNano > endNs) endNs = span.endTimeUnixNano;
  let inputTokens = 0;
  let outputTokens = 0;
  let llmCalls = 0;
  for (const span of trace.spans) {
    if (span.kind !== 'llm' || span.llm === null) continue;
    if (span.startTimeUnixNano < first.startTimeUnixNano || span.startTimeUnixNano > endNs) continue;
    llmCalls++;
    inputTokens += span.llm.inputTokens ?? 0;
    outputTokens += span.llm.outputTokens ?? 0;
  }
  return {
    firstStart: nanosToIso(first.startTimeUnixNano),
    lastEnd: nanosToIso(endNs),
    durationMs: Math.max(0, Number(endNs - first.startTimeUnixNano) / 1e6),
    inputTokens,
    outputTokens,
    llmCalls,
  };
}

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function tokensPhrase(cost: LoopCost): string {
  const total = cost.inputTokens + cost.outputTokens;
  return total > 0 ? ` and ${total.toLocaleString('en-US')} tokens` : '';
}
