-- 0027: the trace a suppression rule leaves on the runs it silenced, and who made a rule.

-- Who created the rule when known (the API caller's `by`, or 'web view'); NULL for older rules.
ALTER TABLE suppressions ADD COLUMN created_by TEXT;

-- A flag the analyser would have raised but a rule matched. One row per (run, would-be flag id);
-- at_ms is when it was first silenced, rule_id the rule that matched last (the rule may since
-- have been deleted). Retention deletes the rows with their run (it has a trace_id column).
CREATE TABLE silenced_flags (
  trace_id   TEXT NOT NULL,
  flag_id    TEXT NOT NULL,
  rule_id    TEXT NOT NULL,
  detector   TEXT NOT NULL,
  severity   TEXT NOT NULL,
  summary    TEXT NOT NULL,
  at_ms      INTEGER NOT NULL,
  PRIMARY KEY (trace_id, flag_id)
) WITHOUT ROWID;
CREATE INDEX silenced_flags_rule ON silenced_flags(rule_id);
