-- 0028: spans stored before 0010 have no words in span_search, so full-text search cannot find
-- their runs. A bounded background job (store/sqlite/search-backfill.ts) walks the spans stored
-- up to now by id, a few hundred at a time, and indexes those missing; this row is its cursor
-- (deleted when the walk is done). Spans stored later are indexed as they arrive.
CREATE TABLE search_backfill (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  after_span_id   INTEGER NOT NULL,   -- spans with id <= this are done
  until_span_id   INTEGER NOT NULL    -- the highest span id when this migration ran
);
INSERT INTO search_backfill (id, after_span_id, until_span_id)
  SELECT 1, 0, (SELECT MAX(id) FROM spans) WHERE EXISTS (SELECT 1 FROM spans);
