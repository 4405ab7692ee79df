import type { ApiSpan, Flag, Run } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FlagBadge, FlagBadges, ReviewTag, SeverityTag, StatusTag, cssToken } from '../components/badges.js';
import { FlagEvidence, type SpikeContext } from '../components/flag-evidence.js';
import type { SpanLogs } from '../span-logs.js';
import { SpanDetail } from '../components/span-detail.js';
import { ReviewForm } from '../components/review-form.js';
import { buildSpanTree } from '../span-tree.js';
import type { SilencedFlag, Suppression, WaterfallSpan } from '../../store/api.js';
import { SuppressionRuleText } from '../components/suppression-rule.js';
import { waterfallRows } from '../components/waterfall-rows.js';
import { formatCount, formatDuration, formatTime, formatUsd } from '../format.js';
import { runHref, runsHref, sessionHref, withQuery } from '../links.js';
import { FlameGraph } from '../components/flame-graph.js';
import { Conversation, RunIo } from '../components/conversation.js';
import type { CallBlock } from '../conversation-turns.js';

/**
 * One run: its headline, its flags with evidence, and the span tree as a waterfall on a shared
 * time axis with the selected span's details beside it. `selectedSpanId` comes from `?span=`;
 * the page works without JavaScript, and app.js swaps the detail panel in place when present.
 */
export function RunPage(props: {
  run: Run;
  /** Every span, as waterfall rows. */
  spans: WaterfallSpan[];
  /** Full spans for the flags' evidence (the spans they point at). */
  flagSpans: Map<string, ApiSpan>;
  /** The span whose details the panel shows (from `?span=`, else the first flagged one, else the root). */
  selected: ApiSpan | null;
  /** The selected span's log records (bounded). */
  selectedLogs?: SpanLogs;
  flags: Flag[];
  spikes: Map<string, SpikeContext>;
  /** The model calls as chat turns (bounded: `truncated` when calls were left out). */
  conversation: { blocks: CallBlock[]; truncated: boolean };
  /** The trace drawn as the waterfall (default) or as a flame graph (`?view=flame`). */
  view?: 'waterfall' | 'flame';
  /** The rule that already matches each flag, by flag id (its suppress form becomes a link). */
  rulesByFlag?: Map<string, Suppression | null>;
  /** Flags suppression rules silenced on this run, with their rule (null once deleted); null where not recorded. */
  silenced?: { flag: SilencedFlag; rule: Suppression | null }[] | null;
}) {
  const { run, spans, flags, selected } = props;
  const runStartMs = Date.parse(run.startTime);
  const namesById = new Map(spans.map((span) => [span.spanId, span.name]));
  const flagsBySpan = new Map<string, Flag[]>();
  for (const flag of flags) {
    for (const spanId of flag.spanIds) {
      const list = flagsBySpan.get(spanId);
      if (list === undefined) flagsBySpan.set(spanId, [flag]);
      else list.push(flag);
    }
  }
  const rows = buildSpanTree(spans);
  // The time axis covers every span, even ones that start before or end after the root.
  let axisStart = Number.POSITIVE_INFINITY;
  let axisEnd = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    axisStart = Math.min(axisStart, span.startMs);
    axisEnd = Math.max(axisEnd, span.startMs + span.durationMs);
  }
  if (!Number.isFinite(axisStart)) {
    axisStart = runStartMs;
    axisEnd = runStartMs + 1;
  }
  const axisMs = Math.max(0.001, axisEnd - axisStart);

  return (
    <Layout title={run.name} section="runs">
      <nav class="crumbs">
        <a href="/runs">Runs</a> <span>/</span> <span class="mono">{run.traceId}</span>
      </nav>
      <div class="run-head">
        <div>
          <h1>
            {run.name} <StatusTag status={run.status} />
          </h1>
          <div class="run-meta">
            <span>
              agent <b>{run.agent ?? '–'}</b>
            </span>
            <span>
              service <a href={runsHref({ service: run.service })}>{run.service}</a>
            </span>
            <span>{`started ${formatTime(run.startTime)} UTC`}</span>
            {run.sessionId !== null ? (
              <span>
                session{' '}
                <a class="mono" href={sessionHref(run.sessionId)}>
                  {run.sessionId}
                </a>
              </span>
            ) : null}
            {run.model !== null ? (
              <span>
                model <a href={runsHref({ model: run.model })}>{run.model}</a>
              </span>
            ) : null}
            {run.serviceVersion !== null ? (
              <span>
                version <a href={runsHref({ version: run.serviceVersion })}>{run.serviceVersion}</a>
              </span>
            ) : null}
            {run.environment !== null ? (
              <span>
                environment <a href={runsHref({ environment: run.environment })}>{run.environment}</a>
              </span>
            ) : null}
          </div>
        </div>
        <FlagBadges flags={run.flags} />
      </div>
      <section class="stats stats-run">
        <div class="stat">
          <span class="stat-label">Duration</span>
          <span class="stat-value">{formatDuration(run.durationMs)}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Spans</span>
          <span class="stat-value">{run.spanCount}</span>
        </div>
        <div class="stat">
          <span class="stat-label">LLM calls</span>
          <span class="stat-value">{run.llmCallCount}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Tool calls</span>
          <span class="stat-value">{run.toolCallCount}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Tokens</span>
          <span class="stat-value">{formatCount(run.inputTokens + run.outputTokens)}</span>
          <span class="stat-sub">{`${formatCount(run.inputTokens)} in · ${formatCount(run.outputTokens)} out`}</span>
        </div>
        <div class="stat stat-cost">
          <span class="stat-label">Cost</span>
          <span class="stat-value">{formatUsd(run.costUsd)}</span>
          {run.costUsd === null ? <span class="stat-sub">a model has no price</span> : null}
        </div>
        <div class={`stat${run.errorCount > 0 ? ' stat-bad' : ''}`}>
          <span class="stat-label">Errors</span>
          <span class="stat-value">{run.errorCount}</span>
        </div>
      </section>
      <RunIo input={run.input} output={run.output} />
      <form class="compare-form" method="get" action="/compare">
        <input type="hidden" name="a" value={run.traceId} />
        <label>
          <span>Compare with run</span>
          <input name="b" placeholder="trace id or its first 6+ hex digits" size={34} required />
        </label>
        <button type="submit" class="btn">
          Compare
        </button>
      </form>

      {flags.length > 0 ? (
        <section class="flags-section" aria-label="Flags">
          <h2>{`Why this run is flagged (${flags.length})`}</h2>
          {flags.map((flag, index) => (
            <details class={`flag-card det-${cssToken(flag.detector)} sev-${cssToken(flag.severity)}`} id={`flag-${flag.id}`} open={index < 3 ? true : undefined}>
              <summary class="flag-card-sum">
                <span class="flag-card-head">
                  <FlagBadge detector={flag.detector} severity={flag.severity} />
                  <SeverityTag severity={flag.severity} />
                  <ReviewTag verdict={flag.review?.verdict ?? null} />
                  <span class="spacer"></span>
                  {flag.spanIds.slice(0, 3).map((spanId) => (
                    <a class="span-link mono small" href={runHref(run.traceId, spanId)}>
                      {namesById.get(spanId) ?? spanId}
                    </a>
                  ))}
                  {flag.spanIds.length > 3 ? (
                    <a class="more-spans small" href="#waterfall" title="Every span of this flag is marked in the waterfall below">
                      {`+${flag.spanIds.length - 3} more`}
                    </a>
                  ) : null}
                </span>
                <span class="flag-summary">{flag.summary}</span>
              </summary>
              <FlagEvidence flag={flag} spansById={props.flagSpans} runStartMs={runStartMs} spike={props.spikes.get(flag.id)} finalAnswer={run.output} />
              <ReviewForm flag={flag} returnTo={runHref(run.traceId)} rule={props.rulesByFlag?.get(flag.id) ?? null} />
            </details>
          ))}
        </section>
      ) : run.analyzed ? (
        <p class="clean-note">The analyser found nothing wrong with this run.</p>
      ) : (
        <p class="clean-note">Not analysed yet: runs are judged a few seconds after their last span arrives.</p>
      )}

      {props.silenced !== undefined && props.silenced !== null && props.silenced.length > 0 ? (
        <section class="silenced-section panel" aria-label="Silenced flags">
          <h2>{`Silenced by suppression rules (${props.silenced.length})`}</h2>
          <ul class="silenced-list">
            {props.silenced.map(({ flag, rule }) => (
              <li id={`silenced-${flag.flagId}`}>
                <FlagBadge detector={flag.detector} severity={flag.severity} /> <span class="flag-summary">{flag.summary}</span>
                <div class="muted small">
                  {`silenced ${formatTime(flag.atMs)} UTC by rule `}
                  {rule !== null ? (
                    <a href={`/suppressions#rule-${rule.id}`}>
                      <SuppressionRuleText rule={rule} />
                    </a>
                  ) : (
                    <span class="mono">{`${flag.ruleId} (deleted since)`}</span>
                  )}
                  {rule !== null && rule.createdBy !== null ? ` made by ${rule.createdBy}` : null}
                  {rule !== null ? ` on ${formatTime(rule.createdAt)} UTC` : null}
                  {rule !== null && rule.note !== '' ? <>{' — '}<q>{rule.note}</q></> : null}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <Conversation traceId={run.traceId} blocks={props.conversation.blocks} truncated={props.conversation.truncated} />

      <nav class="view-tabs" aria-label="Trace view">
        <a href={`${runHref(run.traceId)}#waterfall`} class={props.view === 'flame' ? undefined : 'active'}>
          Waterfall
        </a>
        <a href={`${withQuery(runHref(run.traceId), { view: 'flame', span: selected?.spanId })}#flame-graph`} class={props.view === 'flame' ? 'active' : undefined}>
          Flame graph
        </a>
      </nav>
      <section class="trace" aria-label={props.view === 'flame' ? 'Flame graph' : 'Span waterfall'}>
        {props.view === 'flame' ? (
          <FlameGraph traceId={run.traceId} rows={rows} axisStartMs={axisStart} axisMs={axisMs} selectedSpanId={selected?.spanId} flaggedSpanIds={new Set(flagsBySpan.keys())} />
        ) : (
        <div class="waterfall" id="waterfall" data-trace={run.traceId}>
          <div class="wf-row wf-axis" aria-hidden="true">
            <div class="wf-name">{`${rows.length} spans`}</div>
            <div class="wf-dur">duration</div>
            <div class="wf-bar axis-ticks">
              {[0, 1, 2, 3, 4].map((index) => (
                <span>{formatDuration((axisMs * index) / 4)}</span>
              ))}
            </div>
          </div>
          {waterfallRows({ rows, axisStartMs: axisStart, axisMs, selectedSpanId: selected?.spanId, flagsBySpan })}
        </div>
        )}
        <aside class="detail-panel" id="span-panel" aria-live="polite">
          {selected !== null ? (
            <SpanDetail traceId={run.traceId} span={selected} runStartMs={runStartMs} flags={flagsBySpan.get(selected.spanId) ?? []} logs={props.selectedLogs} />
          ) : (
            <p class="empty">No spans.</p>
          )}
        </aside>
      </section>
    </Layout>
  );
}
