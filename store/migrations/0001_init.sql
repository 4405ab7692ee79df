-- 0001: spans, runs (one row per trace, kept up to date at ingest) and flags.
-- Times are exact nanoseconds since the epoch (INTEGER), durations milliseconds (REAL).

CREATE TABLE resources (
  hash        TEXT PRIMARY KEY,          -- FNV-1a of the attributes' JSON
  attributes  TEXT NOT NULL              -- JSON object of resource attributes
) WITHOUT ROWID;

CREATE TABLE spans (
  id              INTEGER PRIMARY KEY,
  trace_id        TEXT NOT NULL,
  span_id         TEXT NOT NULL,
  parent_span_id  TEXT,
  name            TEXT NOT NULL,
  kind            TEXT NOT NULL,         -- agent | llm | tool | other
  otel_kind       INTEGER NOT NULL,
  start_ns        INTEGER NOT NULL,
  end_ns          INTEGER NOT NULL,
  duration_ms     REAL NOT NULL,
  status          TEXT NOT NULL,         -- ok | error | unset
  status_message  TEXT NOT NULL,
  service         TEXT NOT NULL,
  agent           TEXT,
  session_id      TEXT,
  operation       TEXT NOT NULL,         -- baseline key, e.g. tool:search
  llm             TEXT,                  -- JSON LlmCall, NULL unless kind = llm
  tool            TEXT,                  -- JSON ToolCall, NULL unless kind = tool
  attributes      TEXT NOT NULL,         -- JSON object, raw (redacted) attributes
  events          TEXT NOT NULL,         -- JSON array, event times as nanosecond strings
  resource_hash   TEXT NOT NULL REFERENCES resources(hash),
  scope_name      TEXT NOT NULL,
  received_at_ms  INTEGER NOT NULL
);
-- Idempotency (an exporter's retry stores nothing twice) and whole-trace reads.
CREATE UNIQUE INDEX spans_trace_span ON spans(trace_id, span_id);
-- Per-operation latency history by span timestamp.
CREATE INDEX spans_operation_start ON spans(operation, start_ns);

CREATE TABLE runs (
  trace_id          TEXT PRIMARY KEY,
  service           TEXT NOT NULL,
  agent             TEXT,
  session_id        TEXT,
  name              TEXT NOT NULL,
  root_span_id      TEXT,
  start_ns          INTEGER NOT NULL,    -- earliest span start
  end_ns            INTEGER NOT NULL,    -- latest span end
  root_duration_ms  REAL,                -- NULL until the root span arrives
  span_count        INTEGER NOT NULL,
  llm_call_count    INTEGER NOT NULL,
  tool_call_count   INTEGER NOT NULL,
  error_count       INTEGER NOT NULL,
  status            TEXT NOT NULL,       -- the root span's status; 'unset' without a root
  input_tokens      INTEGER NOT NULL,    -- summed over LLM-call spans only (no double counting)
  output_tokens     INTEGER NOT NULL,
  last_received_ms  INTEGER NOT NULL,    -- wall clock of the latest span's arrival
  analyzed          INTEGER NOT NULL DEFAULT 0,  -- 0: pending, 1: judged as it is now
  analyzed_at_ms    INTEGER,
  flag_badges       TEXT NOT NULL DEFAULT '[]'   -- JSON [{detector, severity}], kept by the analyser
) WITHOUT ROWID;
CREATE INDEX runs_start ON runs(start_ns);
CREATE INDEX runs_pending ON runs(last_received_ms) WHERE analyzed = 0;

CREATE TABLE flags (
  id              TEXT PRIMARY KEY,      -- stable: re-analysis yields the same id
  trace_id        TEXT NOT NULL,
  detector        TEXT NOT NULL,
  severity        TEXT NOT NULL,
  summary         TEXT NOT NULL,
  span_ids        TEXT NOT NULL,         -- JSON array
  evidence        TEXT NOT NULL,         -- JSON object
  signature       TEXT NOT NULL,         -- detector + agent + tool + pattern: groups recurring failures
  service         TEXT NOT NULL,
  agent           TEXT,
  run_start_ns    INTEGER NOT NULL,      -- the flagged run's start: flags are filtered by span time
  created_at_ms   INTEGER NOT NULL,
  review_verdict  TEXT,                  -- NULL | confirmed | false_positive
  review_note     TEXT,
  reviewed_at_ms  INTEGER
) WITHOUT ROWID;
CREATE INDEX flags_trace ON flags(trace_id);
CREATE INDEX flags_run_start ON flags(run_start_ns);
CREATE INDEX flags_detector_start ON flags(detector, run_start_ns);
