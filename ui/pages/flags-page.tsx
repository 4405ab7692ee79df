import { matchingSuppression, type FlagEntry, type ReviewCounts, type ReviewState, type Suppression } from '../../store/api.js';

/** One page of the review queue: flags with their runs, and the counts per review state. */
export interface QueuePage {
  items: FlagEntry[];
  nextCursor: string | null;
  counts: ReviewCounts;
}
import { DETECTOR_IDS, SEVERITIES } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FilterSelect } from '../components/filter-select.js';
import { FlagBadge, ReviewTag, SeverityTag, cssToken } from '../components/badges.js';
import { ReviewForm } from '../components/review-form.js';
import { FoldedText } from '../components/span-detail.js';
import { detectorLabel, formatAgo, formatTime, toDisplayText } from '../format.js';
import { runHref, withQuery } from '../links.js';

export interface FlagsQuery {
  detector: string;
  severity: string;
  review: ReviewState;
  service: string;
  agent: string;
  since: string;
  until: string;
  cursor: string;
}

const TABS: { review: ReviewState; label: string }[] = [
  { review: 'unreviewed', label: 'To review' },
  { review: 'confirmed', label: 'Confirmed' },
  { review: 'false_positive', label: 'False positives' },
  { review: 'any', label: 'All' },
];

/** The review queue: newest flagged runs first, each flag with its verdict buttons. */
export function FlagsPage(props: {
  query: FlagsQuery;
  page: QueuePage;
  error: string | null;
  notice: string | null;
  nowMs: number;
  canSuppress: boolean;
  /** Every suppression rule by id: a flag a rule matches shows the rule instead of the suppress form. */
  rules?: ReadonlyMap<string, Suppression>;
  /** Agent names for the agent filter. */
  agents: readonly string[];
}) {
  const { query, page } = props;
  const base = { detector: query.detector, severity: query.severity, service: query.service, agent: query.agent, since: query.since, until: query.until, review: query.review };
  const returnTo = withQuery('/flags', { ...base, cursor: query.cursor });
  const counts = page.counts;
  const total = counts.unreviewed + counts.confirmed + counts.false_positive;
  return (
    <Layout title="Flags" section="flags">
      <div class="page-head">
        <h1>Flags</h1>
        <nav class="segmented" aria-label="Review state">
          {TABS.map((tab) => (
            <a href={withQuery('/flags', { ...base, review: tab.review })} class={tab.review === query.review ? 'active' : undefined}>
              {tab.label}
              <b class="tab-count">{tab.review === 'any' ? total : counts[tab.review]}</b>
            </a>
          ))}
        </nav>
        <a class="more" href="/suppressions">
          Suppression rules →
        </a>
      </div>
      <form class="filters" method="get" action="/flags">
        <input type="hidden" name="review" value={query.review} />
        <FilterSelect label="Detector" name="detector" options={DETECTOR_IDS} selected={query.detector} optionLabel={detectorLabel} />
        <FilterSelect label="Severity" name="severity" options={SEVERITIES} selected={query.severity} />
        <label>
          <span>Service</span>
          <input name="service" value={query.service} placeholder="any" size={14} />
        </label>
        <FilterSelect label="Agent" name="agent" options={props.agents.includes(query.agent) || query.agent === '' ? props.agents : [query.agent, ...props.agents]} selected={query.agent} />
        <label>
          <span>Since</span>
          <input name="since" value={query.since} placeholder="24h or ISO time" list="flag-time-presets" size={10} />
        </label>
        <label>
          <span>Until</span>
          <input name="until" value={query.until} placeholder="now" list="flag-time-presets" size={10} />
        </label>
        <datalist id="flag-time-presets">
          {['1h', '6h', '24h', '7d', '30d'].map((preset) => (
            <option value={preset}></option>
          ))}
        </datalist>
        <button type="submit" class="btn btn-primary">
          Apply
        </button>
      </form>
      {props.notice !== null ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.error !== null ? (
        <p class="alert" role="alert">
          {props.error}
        </p>
      ) : null}
      {page.items.length === 0 ? (
        <p class="empty panel">{query.review === 'unreviewed' ? 'Nothing to review. Every flag here has a verdict.' : 'No flag matches these filters.'}</p>
      ) : (
        <ol class="queue">
          {page.items.map((item) => (
            <li class={`flag-card det-${cssToken(item.flag.detector)} sev-${cssToken(item.flag.severity)}`} id={`flag-${item.flag.id}`}>
              <header class="flag-card-head">
                <FlagBadge detector={item.flag.detector} severity={item.flag.severity} />
                <SeverityTag severity={item.flag.severity} />
                <ReviewTag verdict={item.flag.review?.verdict ?? null} />
                <span class="spacer"></span>
                <span class="muted small" title={formatTime(item.runStartMs)}>
                  {formatAgo(item.runStartMs, props.nowMs)}
                </span>
              </header>
              <p class="flag-summary">
                <a href={`${runHref(item.flag.traceId)}#flag-${encodeURIComponent(item.flag.id)}`}>{item.flag.summary}</a>
              </p>
              <div class="muted small">
                {`${item.runName ?? 'run'} · ${item.agent ?? '–'} · ${item.service} · `}
                <span class="mono">{item.flag.traceId.slice(0, 12)}</span>
              </div>
              <details class="ev-fields">
                <summary>Evidence</summary>
                <FoldedText text={toDisplayText(item.flag.evidence)} open />
              </details>
              <ReviewForm flag={item.flag} returnTo={returnTo} suppressible={props.canSuppress} rule={props.rules === undefined ? null : matchingSuppression(props.rules, { ...item, detector: item.flag.detector })} />
            </li>
          ))}
        </ol>
      )}
      <nav class="pager" aria-label="Pages">
        {query.cursor !== '' ? <a href={withQuery('/flags', base)}>« First page</a> : <span></span>}
        <span></span>
        {page.nextCursor !== null ? (
          <a href={withQuery('/flags', { ...base, cursor: page.nextCursor })} rel="next">
            Next page »
          </a>
        ) : (
          <span></span>
        )}
      </nav>
    </Layout>
  );
}
