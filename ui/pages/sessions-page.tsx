import type { Session } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FilterSelect } from '../components/filter-select.js';
import { formatAgo, formatCount, formatDuration, formatTime, formatUsd } from '../format.js';
import { sessionHref, withQuery } from '../links.js';

export interface SessionsQuery {
  service: string;
  agent: string;
  cursor: string;
}

/** Conversations: runs grouped by session id, the most recently active first. */
export function SessionsPage(props: {
  query: SessionsQuery;
  sessions: Session[];
  nextCursor: string | null;
  facets: { services: string[]; agents: string[] };
  error: string | null;
  nowMs: number;
}) {
  const { query } = props;
  const base = { service: query.service, agent: query.agent };
  return (
    <Layout title="Sessions" section="sessions">
      <div class="page-head">
        <h1>Sessions</h1>
        <span class="muted small">Runs that share a session id (gen_ai.conversation.id, session.id, …), most recently active first.</span>
      </div>
      <form class="filters" method="get" action="/sessions">
        <FilterSelect label="Service" name="service" options={props.facets.services} selected={query.service} />
        <FilterSelect label="Agent" name="agent" options={props.facets.agents} selected={query.agent} />
        <button type="submit" class="btn btn-primary">
          Apply
        </button>
      </form>
      {props.error !== null ? (
        <p class="alert" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="panel flush">
        <table class="table sessions-table" id="sessions-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Agent</th>
              <th>Last active</th>
              <th class="num">Runs</th>
              <th class="num">Flagged</th>
              <th class="num">Span</th>
              <th class="num">Tokens</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.length === 0 ? (
              <tr>
                <td colspan={8} class="empty">
                  No sessions. Runs join a session when their spans carry a session id (gen_ai.conversation.id or session.id).
                </td>
              </tr>
            ) : (
              props.sessions.map((session) => (
                <tr class={session.flaggedRunCount > 0 ? 'is-flagged' : undefined}>
                  <td class="session-id">
                    <a class="mono" href={sessionHref(session.sessionId)}>
                      {session.sessionId}
                    </a>
                    <div class="muted small">{session.service}</div>
                  </td>
                  <td>{session.agent ?? <span class="muted">–</span>}</td>
                  <td class="nowrap" title={formatTime(session.endTime)}>
                    {formatAgo(Date.parse(session.endTime), props.nowMs)}
                  </td>
                  <td class="num">{session.runCount}</td>
                  <td class="num">{session.flaggedRunCount > 0 ? <span class="err-count">{session.flaggedRunCount}</span> : <span class="muted">0</span>}</td>
                  <td class="num">{formatDuration(Date.parse(session.endTime) - Date.parse(session.startTime))}</td>
                  <td class="num">{formatCount(session.inputTokens + session.outputTokens)}</td>
                  <td class="num session-cost">{formatUsd(session.costUsd)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {query.cursor !== '' ? <a href={withQuery('/sessions', base)}>« First page</a> : <span></span>}
        <span class="muted small">{`${props.sessions.length} sessions shown`}</span>
        {props.nextCursor !== null ? (
          <a href={withQuery('/sessions', { ...base, cursor: props.nextCursor })} rel="next">
            Next page »
          </a>
        ) : (
          <span></span>
        )}
      </nav>
    </Layout>
  );
}
