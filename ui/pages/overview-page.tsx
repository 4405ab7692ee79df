import { CostPanel } from '../components/cost-panel.js';
import type { CostSummary, Overview } from '../../store/api.js';
import { DETECTOR_IDS } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FlagBadge, ReviewTag } from '../components/badges.js';
import { StackedBarChart } from '../components/charts.js';
import { detectorLabel, formatAgo, formatCount, formatTime } from '../format.js';
import { runHref, runsHref } from '../links.js';

export const OVERVIEW_RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type OverviewRange = keyof typeof OVERVIEW_RANGES;

/** The landing page: what went wrong, how often, where, and the latest flags. */
export function OverviewPage(props: { overview: Overview; range: OverviewRange; nowMs: number; costs?: CostSummary | null }) {
  const { overview, range } = props;
  const { totals } = overview;
  const runBuckets = overview.buckets.map((bucket) => ({
    startMs: bucket.startMs,
    values: stackRuns(bucket.runs, bucket.errorRuns, bucket.flaggedRuns),
  }));
  const flagBuckets = overview.buckets.map((bucket) => ({
    startMs: bucket.startMs,
    values: DETECTOR_IDS.map((detector) => bucket.flags[detector] ?? 0),
  }));
  const since = String(overview.window.sinceMs);
  return (
    <Layout title="Overview" section="overview">
      <div class="page-head">
        <h1>Overview</h1>
        <nav class="segmented" aria-label="Time range">
          {(Object.keys(OVERVIEW_RANGES) as OverviewRange[]).map((key) => (
            <a href={`/?range=${key}`} class={key === range ? 'active' : undefined}>
              {key}
            </a>
          ))}
        </nav>
      </div>

      <section class="stats">
        <a class="stat" href={runsHref({ since })}>
          <span class="stat-label">Runs</span>
          <span class="stat-value">{formatCount(totals.runs)}</span>
          <span class="stat-sub">{`${formatCount(totals.llmCalls)} LLM · ${formatCount(totals.toolCalls)} tool calls`}</span>
        </a>
        <a class="stat stat-warn" href={runsHref({ since, flagged: 'true' })}>
          <span class="stat-label">Flagged runs</span>
          <span class="stat-value">{formatCount(totals.flaggedRuns)}</span>
          <span class="stat-sub">{totals.runs > 0 ? `${((100 * totals.flaggedRuns) / totals.runs).toFixed(1)}% of runs` : 'no runs yet'}</span>
        </a>
        <a class="stat stat-bad" href={runsHref({ since, status: 'error' })}>
          <span class="stat-label">Failed loudly</span>
          <span class="stat-value">{formatCount(totals.errorRuns)}</span>
          <span class="stat-sub">root span status error</span>
        </a>
        <a class="stat" href="/flags">
          <span class="stat-label">Flags to review</span>
          <span class="stat-value">{formatCount(totals.unreviewedFlags)}</span>
          <span class="stat-sub">{`of ${formatCount(totals.flags)} flags`}</span>
        </a>
        {DETECTOR_IDS.map((detector) => (
          <a class={`stat stat-det det-${detector}`} href={runsHref({ since, detector })}>
            <span class="stat-label">{detectorLabel(detector)}</span>
            <span class="stat-value">{formatCount(totals.flagsByDetector[detector] ?? 0)}</span>
            <span class="stat-sub">flags</span>
          </a>
        ))}
      </section>

      <section class="grid-2">
        <div class="panel">
          <h2>Runs over time</h2>
          <StackedBarChart
            label="Runs over time"
            bucketMs={overview.window.bucketMs}
            buckets={runBuckets}
            series={[
              { name: 'clean', cls: 'fill-ok' },
              { name: 'failed loudly', cls: 'fill-error' },
              { name: 'flagged', cls: 'fill-flagged' },
            ]}
          />
        </div>
        <div class="panel">
          <h2>Flags over time by detector</h2>
          <StackedBarChart
            label="Flags over time by detector"
            bucketMs={overview.window.bucketMs}
            buckets={flagBuckets}
            series={DETECTOR_IDS.map((detector) => ({ name: detectorLabel(detector), cls: `fill-${detector}` }))}
          />
        </div>
      </section>

      <section class="grid-3">
        <div class="panel">
          <h2>Worst agents</h2>
          {overview.worstAgents.length === 0 ? (
            <p class="empty">No agent had a flagged or failed run in this window.</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th class="num">Flagged</th>
                  <th class="num">Failed</th>
                  <th class="num">Runs</th>
                </tr>
              </thead>
              <tbody>
                {overview.worstAgents.map((agent) => (
                  <tr>
                    <td>
                      <a href={runsHref({ agent: agent.agent, since })}>{agent.agent}</a>
                      <div class="muted small">{agent.service}</div>
                    </td>
                    <td class="num">{agent.flaggedRuns}</td>
                    <td class="num">{agent.errorRuns}</td>
                    <td class="num">{agent.runs}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div class="panel">
          <h2>Worst tools</h2>
          {overview.worstTools.length === 0 ? (
            <p class="empty">No tool call was flagged or failed in this window.</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Tool</th>
                  <th class="num">Flags</th>
                  <th class="num">Errors</th>
                  <th class="num">Calls</th>
                </tr>
              </thead>
              <tbody>
                {overview.worstTools.map((tool) => (
                  <tr>
                    <td>
                      <a class="mono" href={`/latency?op=${encodeURIComponent(`tool:${tool.tool}`)}`}>
                        {tool.tool}
                      </a>
                    </td>
                    <td class="num">{tool.flags}</td>
                    <td class="num">{tool.errors}</td>
                    <td class="num">{tool.calls}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div class="panel">
          <h2>
            Latest flags <a class="more" href="/flags?review=any">all flags →</a>
          </h2>
          {overview.latestFlags.length === 0 ? (
            <p class="empty">No flags in this window. Runs are analysed a few seconds after they end.</p>
          ) : (
            <ul class="flag-feed">
              {overview.latestFlags.map((flag) => (
                <li>
                  <div class="feed-head">
                    <FlagBadge detector={flag.detector} severity={flag.severity} />
                    <span class="muted small" title={formatTime(flag.runStartMs)}>
                      {formatAgo(flag.runStartMs, props.nowMs)}
                    </span>
                    {flag.reviewVerdict !== null ? <ReviewTag verdict={flag.reviewVerdict} /> : null}
                  </div>
                  <a href={runHref(flag.traceId)} class="feed-summary">
                    {flag.summary}
                  </a>
                  <div class="muted small">{`${flag.runName ?? 'run'} · ${flag.agent ?? flag.service}`}</div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
      {props.costs ? <CostPanel costs={props.costs} since={props.range} /> : null}
    </Layout>
  );
}

/** Splits runs into clean / failed loudly / flagged so the stack adds up to the run count (flagged wins). */
function stackRuns(runs: number, errorRuns: number, flaggedRuns: number): number[] {
  const failed = Math.min(errorRuns, Math.max(0, runs - flaggedRuns));
  return [Math.max(0, runs - flaggedRuns - failed), failed, flaggedRuns];
}
