-- 0011: sessions by their latest activity: the runs that belong to a session, newest first,
-- without reading the runs that belong to none.
CREATE INDEX runs_session_recent ON runs(start_ns, session_id) WHERE session_id IS NOT NULL;
