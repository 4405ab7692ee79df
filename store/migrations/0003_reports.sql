-- 0003: every anomaly report made (nightly, by the CLI or through the API), with its renderings
-- and the state of its webhook delivery. Times are epoch milliseconds.

CREATE TABLE reports (
  id                 TEXT PRIMARY KEY,     -- e.g. 20261123T020000Z-3f9a: sortable, URL-safe
  created_at_ms      INTEGER NOT NULL,     -- wall clock when it was made
  since_ms           INTEGER NOT NULL,     -- period [since, until) by span timestamp
  until_ms           INTEGER NOT NULL,
  trigger            TEXT NOT NULL,        -- schedule | api | cli
  summary            TEXT NOT NULL,        -- JSON ReportSummary: the headline figures
  body_json          TEXT NOT NULL,        -- JSON Report: the whole report, for machines
  body_html          TEXT NOT NULL,        -- self-contained HTML (inline styles and SVG, no scripts)
  body_md            TEXT NOT NULL,        -- Markdown
  file_path          TEXT,                 -- where reports.dir got a copy; NULL when not written
  delivery_status    TEXT NOT NULL DEFAULT 'none',  -- none | pending | delivered | failed
  delivery_attempts  INTEGER NOT NULL DEFAULT 0,
  delivery_error     TEXT,                 -- last failure, NULL when none
  delivered_at_ms    INTEGER               -- when delivery ended (delivered or gave up)
) WITHOUT ROWID;
CREATE INDEX reports_created ON reports(created_at_ms);

-- Recurring failure signatures: first seen / last seen over all history, and counts per period.
CREATE INDEX flags_signature_start ON flags(signature, run_start_ns);
