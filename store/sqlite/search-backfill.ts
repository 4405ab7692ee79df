import type { Db } from './database.js';
import type { Attributes } from '../../model/otlp.js';
import type { LlmCall, SpanKind, ToolCall } from '../../model/span.js';
import { readSpanTexts } from '../../model/conversation/span-texts.js';

/** Spans read per step: one short write transaction (a few ms), so ingest never waits long. */
export const BACKFILL_BATCH_SPANS = 500;

interface SpanTextRow {
  id: number;
  kind: SpanKind;
  attributes: string;
  llm: string | null;
  tool: string | null;
}

export interface SearchBackfill {
  /** Indexes the next batch; resolves true when the walk is over (nothing left, or never needed). */
  step(batchSpans?: number): boolean;
  /** Spans still to walk (0 when done). */
  remaining(): number;
}

/**
 * Puts the words of spans stored before migration 0010 into span_search (store/migrations/0028).
 * Walks spans by id up to the id recorded by 0028, skipping those already indexed (stored after
 * 0010, or joined with content events since), one transaction per step; the cursor row is
 * deleted when the walk ends. Idempotent and safe beside ingest: it only inserts missing rows.
 */
export function createSearchBackfill(db: Db): SearchBackfill {
  const hasCursorTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_backfill'").get() !== undefined;
  if (!hasCursorTable) return { step: () => true, remaining: () => 0 };
  const cursor = db.prepare('SELECT after_span_id AS after, until_span_id AS until FROM search_backfill WHERE id = 1');
  const spansIn = db.prepare(
    `SELECT id, kind, attributes, llm, tool FROM spans WHERE id > ? AND id <= ? AND kind IN ('llm', 'tool', 'agent') ORDER BY id LIMIT ?`,
  );
  const lastIdIn = db.prepare('SELECT MAX(id) AS id FROM (SELECT id FROM spans WHERE id > ? AND id <= ? ORDER BY id LIMIT ?)');
  const indexedIn = db.prepare('SELECT rowid AS id FROM span_search WHERE rowid > ? AND rowid <= ?');
  const insertSearch = db.prepare('INSERT INTO span_search (rowid, body) VALUES (?, ?)');
  const advance = db.prepare('UPDATE search_backfill SET after_span_id = ? WHERE id = 1');
  const finish = db.prepare('DELETE FROM search_backfill WHERE id = 1');

  const step = db.transaction((batch: number): boolean => {
    const position = cursor.get() as { after: number; until: number } | undefined;
    if (position === undefined) return true;
    // The batch's span ids (any kind), so the cursor moves past spans with nothing to index too.
    const last = (lastIdIn.get(position.after, position.until, batch) as { id: number | null }).id;
    if (last === null) {
      finish.run();
      return true;
    }
    const indexed = new Set((indexedIn.all(position.after, last) as { id: number }[]).map((row) => Number(row.id)));
    for (const row of spansIn.all(position.after, last, batch) as SpanTextRow[]) {
      if (indexed.has(Number(row.id))) continue;
      const texts = readSpanTexts({
        kind: row.kind,
        attributes: JSON.parse(row.attributes) as Attributes,
        llm: row.llm === null ? null : (JSON.parse(row.llm) as LlmCall),
        tool: row.tool === null ? null : (JSON.parse(row.tool) as ToolCall),
      });
      if (texts.searchable !== '') insertSearch.run(row.id, texts.searchable);
    }
    if (last >= position.until) {
      finish.run();
      return true;
    }
    advance.run(last);
    return false;
  });

  return {
    step: (batchSpans = BACKFILL_BATCH_SPANS) => step(Math.max(1, Math.floor(batchSpans))),
    remaining() {
      const position = cursor.get() as { after: number; until: number } | undefined;
      return position === undefined ? 0 : Math.max(0, position.until - position.after);
    },
  };
}

/**
 * Runs the backfill in the background: one step every `intervalMs` until done. `stop()` resolves
 * after the step in progress (steps are synchronous, so at once); a failed step is reported to
 * `onError` and the job stops (it resumes from its cursor at the next start).
 */
export function startSearchBackfill(db: Db, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}): { stop(): void } {
  const backfill = createSearchBackfill(db);
  if (backfill.remaining() === 0 && backfill.step()) return { stop() {} };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    try {
      if (backfill.step()) return;
    } catch (error) {
      options.onError?.(error);
      return;
    }
    timer = setTimeout(tick, options.intervalMs ?? 10);
    timer.unref();
  };
  timer = setTimeout(tick, options.intervalMs ?? 10);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
