-- 0002: the analyser's state: latency baselines, suppression rules, per-trace bookkeeping.

-- Flags remember the tool they concern, so a suppression rule can match "this tool".
ALTER TABLE flags ADD COLUMN tool TEXT;
CREATE INDEX flags_signature ON flags(signature);
CREATE INDEX flags_created ON flags(created_at_ms);

-- Per-key, per-time-bucket log-histograms of durations (the latency baselines).
-- key: 'step|<service>|<operation>', 'run|<service>|<agent>|<root name>', 'runstep|…' (ms per span).
-- bucket_start_ms: span start time floored to analyzer.latencySpike.bucket (SPAN time, not arrival).
-- counts: JSON [[bin, count], …], bin = floor(16·log2(durationMs / 0.01)), clamped to 0..511.
CREATE TABLE latency_baselines (
  key              TEXT NOT NULL,
  bucket_start_ms  INTEGER NOT NULL,
  n                INTEGER NOT NULL,
  counts           TEXT NOT NULL,
  PRIMARY KEY (key, bucket_start_ms)
) WITHOUT ROWID;

-- Which spans of a trace have been added to the baselines, so re-analysis never counts a span
-- twice and a trace is judged against a baseline that excludes itself.
CREATE TABLE analysis_state (
  trace_id        TEXT PRIMARY KEY,
  baseline_spans  TEXT NOT NULL            -- JSON array of span ids already in latency_baselines
) WITHOUT ROWID;

-- Rules made from confirmed false positives: a flag of `detector` matching the scope is not raised.
CREATE TABLE suppressions (
  id              TEXT PRIMARY KEY,
  detector        TEXT NOT NULL,
  scope           TEXT NOT NULL,           -- agent | tool | signature
  value           TEXT NOT NULL,           -- the agent name, tool name or flag signature
  note            TEXT NOT NULL,
  from_flag_id    TEXT,
  created_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX suppressions_rule ON suppressions(detector, scope, value);
