-- 0010: what a run used, said and where it ran: tokens per model (priced at read time from the
-- price table, so a price change applies to history), the release and environment of its
-- resource, its first input and final answer, and full-text search over span content.

ALTER TABLE runs ADD COLUMN service_version TEXT;   -- resource service.version (the root's when it has one)
ALTER TABLE runs ADD COLUMN environment TEXT;       -- resource deployment.environment.name
CREATE INDEX runs_session_start ON runs(session_id, start_ns) WHERE session_id IS NOT NULL;

-- Model calls of a run per model: '' for calls that did not name their model.
CREATE TABLE run_models (
  trace_id             TEXT NOT NULL,
  model                TEXT NOT NULL,
  calls                INTEGER NOT NULL,
  input_tokens         INTEGER NOT NULL,   -- including cached input tokens
  output_tokens        INTEGER NOT NULL,
  cached_input_tokens  INTEGER NOT NULL,
  PRIMARY KEY (trace_id, model)
) WITHOUT ROWID;
CREATE INDEX run_models_model ON run_models(model, trace_id);

-- The run's input (rank 0: root agent span, 1: another agent span, 2: a model call's first user
-- message; earliest start wins within a rank) and final answer (same ranks; latest end wins).
CREATE TABLE run_texts (
  trace_id     TEXT PRIMARY KEY,
  input_text   TEXT,
  input_rank   INTEGER,
  input_ns     INTEGER,
  output_text  TEXT,
  output_rank  INTEGER,
  output_ns    INTEGER
);

-- (Retention deletes run_models and run_texts rows with their run: every table with a trace_id.)

-- Words of prompts, answers, tool arguments and results; rowid = spans.id. Contentless: the text
-- itself stays in spans only.
CREATE VIRTUAL TABLE span_search USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER spans_search_forget AFTER DELETE ON spans BEGIN
  DELETE FROM span_search WHERE rowid = old.id;
END;

-- Runs stored before this migration: their model usage and release from the spans they have.
INSERT INTO run_models (trace_id, model, calls, input_tokens, output_tokens, cached_input_tokens)
  SELECT trace_id, COALESCE(json_extract(llm, '$.model'), ''), COUNT(*),
    SUM(COALESCE(json_extract(llm, '$.inputTokens'), 0)), SUM(COALESCE(json_extract(llm, '$.outputTokens'), 0)), 0
  FROM spans WHERE kind = 'llm' AND llm IS NOT NULL
  GROUP BY trace_id, COALESCE(json_extract(llm, '$.model'), '');
UPDATE runs SET
  service_version = (SELECT json_extract(res.attributes, '$."service.version"') FROM spans s JOIN resources res ON res.hash = s.resource_hash
                     WHERE s.trace_id = runs.trace_id ORDER BY s.parent_span_id IS NOT NULL LIMIT 1),
  environment = (SELECT COALESCE(json_extract(res.attributes, '$."deployment.environment.name"'), json_extract(res.attributes, '$."deployment.environment"'))
                 FROM spans s JOIN resources res ON res.hash = s.resource_hash
                 WHERE s.trace_id = runs.trace_id ORDER BY s.parent_span_id IS NOT NULL LIMIT 1);
