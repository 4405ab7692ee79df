import type { Run, Session } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FlagBadges, StatusTag } from '../components/badges.js';
import { FoldedText } from '../components/span-detail.js';
import { formatCount, formatDuration, formatTime, formatUsd } from '../format.js';
import { compareHref, runHref, runsHref } from '../links.js';

/** One conversation: its totals, then its runs in time order, each as the user's input and the answer. */
export function SessionPage(props: { session: Session; runs: Run[] }) {
  const { session, runs } = props;
  return (
    <Layout title={`Session ${session.sessionId}`} section="sessions">
      <nav class="crumbs">
        <a href="/sessions">Sessions</a> <span>/</span> <span class="mono">{session.sessionId}</span>
      </nav>
      <div class="page-head">
        <h1>
          Session <span class="mono">{session.sessionId}</span>
        </h1>
      </div>
      <div class="run-meta">
        <span>
          agent <b>{session.agent ?? '–'}</b>
        </span>
        <span>
          service <b>{session.service}</b>
        </span>
        <span>{`${formatTime(session.startTime)} → ${formatTime(session.endTime)} UTC`}</span>
      </div>
      <section class="stats">
        <div class="stat">
          <span class="stat-label">Runs</span>
          <span class="stat-value">{session.runCount}</span>
        </div>
        <div class={`stat${session.flaggedRunCount > 0 ? ' stat-bad' : ''}`}>
          <span class="stat-label">Flagged runs</span>
          <span class="stat-value">{session.flaggedRunCount}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Span</span>
          <span class="stat-value">{formatDuration(Date.parse(session.endTime) - Date.parse(session.startTime))}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Tokens</span>
          <span class="stat-value">{formatCount(session.inputTokens + session.outputTokens)}</span>
          <span class="stat-sub">{`${formatCount(session.inputTokens)} in · ${formatCount(session.outputTokens)} out`}</span>
        </div>
        <div class="stat stat-cost">
          <span class="stat-label">Cost</span>
          <span class="stat-value">{formatUsd(session.costUsd)}</span>
          {session.costUsd === null ? <span class="stat-sub">a model has no price</span> : null}
        </div>
      </section>
      <ol class="session-runs" id="session-runs">
        {runs.map((run, index) => (
          <li class={`session-run${run.flags.length > 0 ? ' is-flagged' : ''}`} data-trace={run.traceId}>
            <div class="session-run-head">
              <span class="call-index">{`#${index + 1}`}</span>
              <a href={runHref(run.traceId)}>{run.name}</a>
              {run.status !== 'unset' ? <StatusTag status={run.status} /> : null}
              <span class="muted small">{`${formatTime(run.startTime)} · ${formatDuration(run.durationMs)} · ${formatUsd(run.costUsd)}`}</span>
              <span class="spacer"></span>
              <FlagBadges flags={run.flags} />
              {index > 0 ? (
                <a class="small" href={compareHref(runs[index - 1]!.traceId, run.traceId)}>
                  compare with #{index}
                </a>
              ) : null}
            </div>
            {run.input !== null ? (
              <div class="turn turn-user">
                <span class="role">user</span>
                <div class="turn-body">
                  <FoldedText text={run.input} open />
                </div>
              </div>
            ) : null}
            {run.output !== null ? (
              <div class="turn turn-assistant turn-answer">
                <span class="role">answer</span>
                <div class="turn-body">
                  <FoldedText text={run.output} open />
                </div>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {runs.length < session.runCount ? (
        <p class="muted small">
          {`The first ${runs.length} of ${session.runCount} runs are shown; `}
          <a href={runsHref({ session: session.sessionId })}>all of them in the runs list</a>.
        </p>
      ) : null}
    </Layout>
  );
}
