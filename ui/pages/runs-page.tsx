import type { Run } from '../../model/api.js';
import { DETECTOR_IDS } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FilterSelect } from '../components/filter-select.js';
import { FlagBadges, StatusTag } from '../components/badges.js';
import { detectorLabel, formatAgo, formatCount, formatDuration, formatTime, formatUsd } from '../format.js';
import type { RunFacets } from '../../store/api.js';
import { runHref, runsHref } from '../links.js';

/** The runs list's filters exactly as they appear in the URL (strings; '' = not set). */
export interface RunsQuery {
  detector: string;
  service: string;
  agent: string;
  status: string;
  since: string;
  until: string;
  q: string;
  session: string;
  model: string;
  version: string;
  environment: string;
  flagged: string;
  sort: string;
  order: string;
  cursor: string;
}

export const TIME_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'];

const SORTABLE: { sort: string; label: string; cls?: string }[] = [
  { sort: 'start', label: 'Started' },
  { sort: 'duration', label: 'Duration', cls: 'num' },
  { sort: 'spans', label: 'Spans', cls: 'num' },
  { sort: 'tokens', label: 'Tokens', cls: 'num' },
  { sort: 'errors', label: 'Errors', cls: 'num' },
];

/** Runs list: filter form (GET, so the URL is the view), sortable table, cursor pagination. */
export function RunsPage(props: {
  query: RunsQuery;
  runs: Run[];
  nextCursor: string | null;
  facets: RunFacets;
  error: string | null;
  nowMs: number;
}) {
  const { query } = props;
  const base: Record<string, string> = { ...query, cursor: '' };
  const sort = query.sort || 'start';
  const order = query.order || 'desc';
  const filtered = ['detector', 'service', 'agent', 'status', 'since', 'until', 'q', 'session', 'model', 'version', 'environment', 'flagged'].some((key) => query[key as keyof RunsQuery] !== '');
  return (
    <Layout title="Runs" section="runs">
      <div class="page-head">
        <h1>Runs</h1>
        {filtered ? (
          <a class="btn btn-ghost" href="/runs">
            Clear filters
          </a>
        ) : null}
      </div>
      <form class="filters" method="get" action="/runs" id="run-filters">
        <FilterSelect label="Detector" name="detector" options={DETECTOR_IDS} selected={query.detector} optionLabel={detectorLabel} />
        <FilterSelect label="Service" name="service" options={withCurrent(props.facets.services, query.service)} selected={query.service} />
        <FilterSelect label="Agent" name="agent" options={withCurrent(props.facets.agents, query.agent)} selected={query.agent} />
        <FilterSelect label="Status" name="status" options={['ok', 'error', 'unset']} selected={query.status} />
        <FilterSelect label="Model" name="model" options={withCurrent(props.facets.models, query.model)} selected={query.model} />
        <FilterSelect label="Version" name="version" options={withCurrent(props.facets.versions, query.version)} selected={query.version} />
        <FilterSelect label="Environment" name="environment" options={withCurrent(props.facets.environments, query.environment)} selected={query.environment} />
        <label>
          <span>Since</span>
          <input name="since" value={query.since} placeholder="24h or ISO time" list="time-presets" size={10} />
        </label>
        <label>
          <span>Until</span>
          <input name="until" value={query.until} placeholder="now" list="time-presets" size={10} />
        </label>
        <datalist id="time-presets">
          {TIME_PRESETS.map((preset) => (
            <option value={preset}></option>
          ))}
        </datalist>
        <label class="grow">
          <span>Search</span>
          <input type="search" name="q" value={query.q} placeholder="words in prompts, answers, tool calls; name, trace id" />
        </label>
        {query.session !== '' ? <input type="hidden" name="session" value={query.session} /> : null}
        <label class="check">
          <input type="checkbox" name="flagged" value="true" checked={query.flagged === 'true'} />
          <span>flagged only</span>
        </label>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="order" value={query.order} />
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
        <table class="table runs-table" id="runs-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Agent</th>
              {SORTABLE.slice(0, 2).map((column) => (
                <SortHeader column={column} base={base} sort={sort} order={order} />
              ))}
              <th class="num">LLM</th>
              <th class="num">Tools</th>
              {SORTABLE.slice(2).map((column) => (
                <SortHeader column={column} base={base} sort={sort} order={order} />
              ))}
              <th class="num">Cost</th>
              <th>Flags</th>
            </tr>
          </thead>
          <tbody>
            {props.runs.length === 0 ? (
              <tr>
                <td colspan={11} class="empty">
                  {filtered ? 'No run matches these filters.' : 'No runs yet. Point an OpenTelemetry exporter at /v1/traces.'}
                </td>
              </tr>
            ) : (
              props.runs.map((run) => (
                <tr class={`run-row${run.flags.length > 0 ? ' is-flagged' : ''}${run.status === 'error' ? ' is-error' : ''}`} data-href={runHref(run.traceId)}>
                  <td class="run-name">
                    <a href={runHref(run.traceId)}>{run.name}</a>
                    <div class="muted small mono">
                      {[run.traceId.slice(0, 12), run.service, run.serviceVersion, run.environment].filter((part) => part !== null).join(' · ')}{' '}
                      {run.status !== 'unset' ? <StatusTag status={run.status} /> : null}
                    </div>
                  </td>
                  <td>
                    {run.agent ?? <span class="muted">–</span>}
                    {run.model !== null ? <div class="muted small run-model">{run.model}</div> : null}
                  </td>
                  <td class="nowrap" title={formatTime(run.startTime)}>
                    {formatTime(run.startTime).slice(5)}
                    <div class="muted small">{formatAgo(Date.parse(run.startTime), props.nowMs)}</div>
                  </td>
                  <td class="num">{formatDuration(run.durationMs)}</td>
                  <td class="num">{run.llmCallCount}</td>
                  <td class="num">{run.toolCallCount}</td>
                  <td class="num">{run.spanCount}</td>
                  <td class="num" title={`${run.inputTokens} in / ${run.outputTokens} out`}>
                    {formatCount(run.inputTokens + run.outputTokens)}
                  </td>
                  <td class="num">{run.errorCount > 0 ? <span class="err-count">{run.errorCount}</span> : <span class="muted">0</span>}</td>
                  <td class="num run-cost" title={run.costUsd === null ? 'a model this run used has no price (add it under pricing.models)' : undefined}>
                    {formatUsd(run.costUsd)}
                  </td>
                  <td>
                    {run.flags.length > 0 ? <FlagBadges flags={run.flags} /> : run.analyzed ? <span class="muted small">clean</span> : <span class="muted small">pending</span>}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {query.cursor !== '' ? <a href={runsHref(base)}>« First page</a> : <span></span>}
        <span class="muted small">{`${props.runs.length} runs shown`}</span>
        {props.nextCursor !== null ? (
          <a href={runsHref({ ...base, cursor: props.nextCursor })} rel="next">
            Next page »
          </a>
        ) : (
          <span></span>
        )}
      </nav>
    </Layout>
  );
}

function SortHeader(props: { column: { sort: string; label: string; cls?: string }; base: Record<string, string>; sort: string; order: string }) {
  const active = props.sort === props.column.sort;
  const nextOrder = active && props.order === 'desc' ? 'asc' : 'desc';
  return (
    <th class={props.column.cls} aria-sort={active ? (props.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a class={`sort${active ? ' active' : ''}`} href={runsHref({ ...props.base, sort: props.column.sort, order: nextOrder })}>
        {props.column.label}
        {active ? (props.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </a>
    </th>
  );
}

function withCurrent(values: string[], current: string): string[] {
  return current === '' || values.includes(current) ? values : [current, ...values];
}

