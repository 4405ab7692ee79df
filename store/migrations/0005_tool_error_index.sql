-- 0005: failed tool calls by span time, for the overview's "worst tools" without reading every
-- span of every failed run. Partial: only failed tool spans are indexed, so ingest barely pays.
CREATE INDEX spans_tool_errors ON spans(start_ns) WHERE status = 'error' AND kind = 'tool';
