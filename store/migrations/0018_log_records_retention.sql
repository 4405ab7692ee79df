-- 0018: log_records retention. Records age out by their own time (log_records_time), and go with
-- their run: the per-trace delete (`WHERE trace_id = ?`) needs an index that is not partial, so
-- log_records_span covers every record (records tied to no trace share the key '').
DROP INDEX IF EXISTS log_records_span;
CREATE INDEX log_records_span ON log_records(trace_id, span_id, time_ns);
CREATE INDEX log_records_time ON log_records(time_ns);
