import type { Db } from './sqlite/database.js';
import type { SpanRow } from './span-writer.js';

/**
 * What a span adds to its run's details, appended to its SpanRow (indexes 24–30): the model it
 * called (null unless a model call; '' when unnamed), its cached input tokens, its resource's
 * release and environment, the input and answer it can stand for, and its words for search.
 */
export type SpanDetails = [
  model: string | null,
  cachedInputTokens: number,
  serviceVersion: string | null,
  environment: string | null,
  inputText: string | null,
  outputText: string | null,
  searchText: string,
];

interface Candidate {
  text: string;
  rank: number;
  ns: bigint;
}

interface ModelDelta {
  traceId: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/**
 * Keeps run_models, run_texts and span_search in step with the spans a batch inserts. Used inside
 * the span writer's transaction: `add` each newly inserted span (with its rowid), then `flush`
 * once per batch (`reset` first, so a batch that threw leaves nothing behind). Idempotent with the spans: a span is added only when its row was inserted.
 */
export function createRunDetailsWriter(db: Db): { reset(): void; add(row: SpanRow, spanRowId: number | bigint): void; flush(): void } {
  const insertSearch = db.prepare('INSERT INTO span_search (rowid, body) VALUES (?, ?)');
  const upsertModel = db.prepare(`
    INSERT INTO run_models (trace_id, model, calls, input_tokens, output_tokens, cached_input_tokens)
    VALUES (@traceId, @model, @calls, @inputTokens, @outputTokens, @cachedInputTokens)
    ON CONFLICT (trace_id, model) DO UPDATE SET
      calls = run_models.calls + excluded.calls,
      input_tokens = run_models.input_tokens + excluded.input_tokens,
      output_tokens = run_models.output_tokens + excluded.output_tokens,
      cached_input_tokens = run_models.cached_input_tokens + excluded.cached_input_tokens`);
  const betterInput = `excluded.input_text IS NOT NULL AND (run_texts.input_text IS NULL OR excluded.input_rank < run_texts.input_rank
      OR (excluded.input_rank = run_texts.input_rank AND excluded.input_ns < run_texts.input_ns))`;
  const betterOutput = `excluded.output_text IS NOT NULL AND (run_texts.output_text IS NULL OR excluded.output_rank < run_texts.output_rank
      OR (excluded.output_rank = run_texts.output_rank AND excluded.output_ns > run_texts.output_ns))`;
  const upsertTexts = db.prepare(`
    INSERT INTO run_texts (trace_id, input_text, input_rank, input_ns, output_text, output_rank, output_ns)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trace_id) DO UPDATE SET
      input_text = CASE WHEN ${betterInput} THEN excluded.input_text ELSE run_texts.input_text END,
      input_rank = CASE WHEN ${betterInput} THEN excluded.input_rank ELSE run_texts.input_rank END,
      input_ns = CASE WHEN ${betterInput} THEN excluded.input_ns ELSE run_texts.input_ns END,
      output_text = CASE WHEN ${betterOutput} THEN excluded.output_text ELSE run_texts.output_text END,
      output_rank = CASE WHEN ${betterOutput} THEN excluded.output_rank ELSE run_texts.output_rank END,
      output_ns = CASE WHEN ${betterOutput} THEN excluded.output_ns ELSE run_texts.output_ns END`);

  const models = new Map<string, ModelDelta>();
  const inputs = new Map<string, Candidate>();
  const outputs = new Map<string, Candidate>();

  const reset = () => {
    models.clear();
    inputs.clear();
    outputs.clear();
  };
  return {
    reset,
    add(r, spanRowId) {
      const traceId = r[0];
      if (r[30] !== '') insertSearch.run(spanRowId, r[30]);
      const model = r[24];
      if (model !== null) {
        const key = `${traceId}\u0000${model}`;
        let delta = models.get(key);
        if (delta === undefined) {
          delta = { traceId, model, calls: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
          models.set(key, delta);
        }
        delta.calls++;
        delta.inputTokens += r[22];
        delta.outputTokens += r[23];
        delta.cachedInputTokens += r[25];
      }
      const rank = r[4] === 'agent' ? (r[2] === null ? 0 : 1) : 2;
      if (r[28] !== null) {
        const best = inputs.get(traceId);
        if (best === undefined || rank < best.rank || (rank === best.rank && r[6] < best.ns)) inputs.set(traceId, { text: r[28], rank, ns: r[6] });
      }
      if (r[29] !== null) {
        const best = outputs.get(traceId);
        if (best === undefined || rank < best.rank || (rank === best.rank && r[7] > best.ns)) outputs.set(traceId, { text: r[29], rank, ns: r[7] });
      }
    },
    flush() {
      for (const delta of models.values()) upsertModel.run(delta);
      for (const traceId of new Set([...inputs.keys(), ...outputs.keys()])) {
        const input = inputs.get(traceId);
        const output = outputs.get(traceId);
        upsertTexts.run(traceId, input?.text ?? null, input?.rank ?? null, input?.ns ?? null, output?.text ?? null, output?.rank ?? null, output?.ns ?? null);
      }
      reset();
    },
  };
}
