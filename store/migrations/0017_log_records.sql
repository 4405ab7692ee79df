-- 0017: OTLP log records (POST /v1/logs, gRPC LogsService). GenAI content events among them
-- (genai = 1) are joined into their span's attributes once both are stored, whichever came first.
CREATE TABLE log_records (
  id               INTEGER PRIMARY KEY,
  record_hash      TEXT NOT NULL,         -- FNV-1a of the record's content: an exporter's retry stores nothing twice
  trace_id         TEXT NOT NULL,         -- '' when the record is not tied to a trace
  span_id          TEXT NOT NULL,         -- '' when not tied to a span
  time_ns          INTEGER NOT NULL,      -- time_unix_nano, else observed_time_unix_nano, else arrival
  severity_number  INTEGER NOT NULL,
  severity_text    TEXT NOT NULL,
  event_name       TEXT NOT NULL,         -- event_name, else the event.name attribute; '' for plain logs
  body             TEXT NOT NULL,         -- JSON AnyValue (redacted)
  attributes       TEXT NOT NULL,         -- JSON object (redacted)
  resource_hash    TEXT NOT NULL REFERENCES resources(hash),
  scope_name       TEXT NOT NULL,
  genai            INTEGER NOT NULL,      -- 1: a GenAI content event
  joined           INTEGER NOT NULL DEFAULT 0,  -- genai = 1: its content is in the stored span
  received_at_ms   INTEGER NOT NULL
);
CREATE UNIQUE INDEX log_records_hash ON log_records(record_hash);
CREATE INDEX log_records_span ON log_records(trace_id, span_id, time_ns) WHERE trace_id <> '';
CREATE INDEX log_records_unjoined ON log_records(trace_id, span_id) WHERE genai = 1 AND joined = 0;
CREATE INDEX log_records_received ON log_records(received_at_ms);
