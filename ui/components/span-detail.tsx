import { BreakableName } from './breakable-name.js';
import type { ApiSpan, Flag } from '../../model/api.js';
import type { AttributeValue } from '../../model/otlp.js';
import { FlagBadge, KindTag, StatusTag } from './badges.js';
import { formatDuration, formatTime, prettyJsonText, toDisplayText, truncate } from '../format.js';
import { latencyHref, runHref } from '../links.js';
import { MAX_API_SPAN_LOGS, type SpanLogs } from '../span-logs.js';

/** Values longer than this (characters) or spanning lines are folded behind <details>. */
const FOLD_CHARS = 160;
/** Longest value put in a page, characters; the JSON API has the rest. */
const MAX_SHOWN_CHARS = 100_000;
/** Most events put in a page (issue 15 F5: spans stored before collector.maxEventsPerSpan may hold more); the JSON API has them all. */
export const MAX_SHOWN_EVENTS = 200;
/** Most attributes put in one table (attributes, or one event's); the JSON API has them all. */
export const MAX_SHOWN_ATTRIBUTES = 1024;

/**
 * Everything about one span: what it is, its call (model + tokens, or tool + arguments +
 * result), its flags, attributes, events and log records (bounded, see ui/span-logs.ts). All
 * content is rendered as text nodes.
 */
export function SpanDetail(props: { traceId: string; span: ApiSpan; runStartMs: number; flags: Flag[]; logs?: SpanLogs }) {
  const { span } = props;
  const offsetMs = Date.parse(span.startTime) - props.runStartMs;
  const attributeEntries = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div class="span-detail" data-span-detail={span.spanId}>
      <div class="sd-head">
        <KindTag kind={span.kind} />
        <h3>{span.name}</h3>
        <StatusTag status={span.status} />
      </div>
      <dl class="facts">
        <dt>Duration</dt>
        <dd>{formatDuration(span.durationMs)}</dd>
        <dt>Starts at</dt>
        <dd>{`+${formatDuration(Math.max(0, offsetMs))} · ${formatTime(span.startTime)}`}</dd>
        <dt>Operation</dt>
        <dd>
          <a class="mono" href={latencyHref(span.operation)}>
            {span.operation}
          </a>
        </dd>
        <dt>Service</dt>
        <dd>{span.service}</dd>
        <dt>Span id</dt>
        <dd class="mono">
          <a href={runHref(props.traceId, span.spanId)}>{span.spanId}</a>
        </dd>
        <dt>Parent</dt>
        <dd class="mono">{span.parentSpanId === null ? '–' : <a href={runHref(props.traceId, span.parentSpanId)}>{span.parentSpanId}</a>}</dd>
        {span.llm ? (
          <>
            <dt>Model</dt>
            <dd>{span.llm.model ?? 'unknown'}</dd>
            <dt>Tokens</dt>
            <dd>{`${span.llm.inputTokens ?? '?'} in · ${span.llm.outputTokens ?? '?'} out`}</dd>
            <dt>Finish reason</dt>
            <dd>{span.llm.finishReason ?? '–'}</dd>
          </>
        ) : null}
        {span.tool ? (
          <>
            <dt>Tool</dt>
            <dd class="mono">{span.tool.name}</dd>
          </>
        ) : null}
      </dl>

      {span.statusMessage !== '' ? (
        <section class="sd-section">
          <h4>Status message</h4>
          <pre class="value value-error">{span.statusMessage}</pre>
        </section>
      ) : null}

      {props.flags.length > 0 ? (
        <section class="sd-section">
          <h4>Flags on this span</h4>
          <ul class="sd-flags">
            {props.flags.map((flag) => (
              <li>
                <FlagBadge detector={flag.detector} severity={flag.severity} /> <a href={`#flag-${flag.id}`}>{flag.summary}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {span.tool ? (
        <section class="sd-section">
          <h4>Arguments</h4>
          <FoldedText text={span.tool.arguments === null ? '(not captured)' : prettyJsonText(span.tool.arguments)} open />
          <h4>Result</h4>
          <FoldedText text={span.tool.result === null ? '(not captured)' : prettyJsonText(span.tool.result)} open />
        </section>
      ) : null}

      <section class="sd-section">
        <h4>{`Attributes (${attributeEntries.length})`}</h4>
        {attributeEntries.length === 0 ? (
          <p class="muted small">none</p>
        ) : (
          <AttributeTable entries={attributeEntries} />
        )}
      </section>

      <section class="sd-section">
        <h4>{`Events (${span.events.length})`}</h4>
        {typeof span.attributes['tracehound.dropped_events_count'] === 'number' ? (
          <p class="muted small">{`${span.attributes['tracehound.dropped_events_count']} more events were dropped at ingest (collector.maxEventsPerSpan).`}</p>
        ) : null}
        {span.events.length === 0 ? (
          <p class="muted small">none</p>
        ) : (
          <ol class="events">
            {span.events.slice(0, MAX_SHOWN_EVENTS).map((event) => (
              <li class={event.name === 'exception' ? 'event-exception' : undefined}>
                <div>
                  <b>{event.name}</b>{' '}
                  <span class="muted small">{`+${formatDuration(Math.max(0, Date.parse(event.time) - props.runStartMs))}`}</span>
                </div>
                {Object.keys(event.attributes).length > 0 ? (
                  <AttributeTable entries={Object.entries(event.attributes)} />
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {span.events.length > MAX_SHOWN_EVENTS ? (
          <p class="muted small">{`Showing the first ${MAX_SHOWN_EVENTS} of ${span.events.length.toLocaleString('en')} events; all are in GET /api/runs/:traceId.`}</p>
        ) : null}
      </section>

      {props.logs !== undefined && props.logs.logs.length > 0 ? <SpanLogList traceId={props.traceId} spanId={span.spanId} runStartMs={props.runStartMs} logs={props.logs} /> : null}
    </div>
  );
}

/** The span's log records (OTLP logs tied to it), with "+N more" pointing at the JSON API. */
function SpanLogList(props: { traceId: string; spanId: string; runStartMs: number; logs: SpanLogs }) {
  const { logs, moreLogs } = props.logs;
  return (
    <section class="sd-section" data-span-logs>
      <h4>{`Log records (${(logs.length + moreLogs).toLocaleString('en')})`}</h4>
      <ol class="events span-logs">
        {logs.map((record) => (
          <li class={record.severityNumber >= 17 ? 'event-exception' : undefined}>
            <div>
              {record.severity !== '' ? <b class="log-severity">{record.severity}</b> : null}
              {record.eventName !== '' ? <span class="mono">{` ${record.eventName}`}</span> : null}{' '}
              <span class="muted small">{`+${formatDuration(Math.max(0, Date.parse(record.time) - props.runStartMs))}`}</span>
            </div>
            {record.body !== '' ? <FoldedText text={record.body} /> : null}
            {Object.keys(record.attributes).length > 0 ? (
              <AttributeTable entries={Object.entries(record.attributes)} />
            ) : null}
            {record.truncated ? <p class="muted small">(cut for display)</p> : null}
          </li>
        ))}
      </ol>
      {moreLogs > 0 ? (
        <p class="muted small" data-more-logs={String(moreLogs)}>
          {`+${moreLogs.toLocaleString('en')} more; `}
          <a href={`/api/runs/${props.traceId}/spans/${props.spanId}`}>{`GET /api/runs/…/spans/${props.spanId}`}</a>
          {` has the first ${MAX_API_SPAN_LOGS}.`}
        </p>
      ) : null}
    </section>
  );
}

/** Short text inline; long or multi-line text folded with a one-line preview. */
export function FoldedText(props: { text: string; open?: boolean }) {
  const { text } = props;
  if (text.length <= FOLD_CHARS && !text.includes('\n')) return <span class="value">{text}</span>;
  const preview = truncate(text.slice(0, 400).replace(/\s+/g, ' '), 90);
  const shown = text.length > MAX_SHOWN_CHARS ? text.slice(0, MAX_SHOWN_CHARS) : text;
  return (
    <details class="fold" open={props.open && text.length <= 4000 ? true : undefined}>
      <summary>
        <span class="preview">{preview}</span> <span class="muted small">{`${text.length.toLocaleString('en')} chars`}</span>
      </summary>
      <pre class="value">{shown}</pre>
      {shown.length < text.length ? (
        <p class="muted small">{`Showing the first ${MAX_SHOWN_CHARS.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters; the whole value is in GET /api/runs/:traceId.`}</p>
      ) : null}
    </details>
  );
}

/** An attribute value as readable text: JSON strings pretty-printed, arrays and maps as JSON. */
export function attributeText(value: AttributeValue | unknown): string {
  if (typeof value === 'string') return prettyJsonText(value);
  return toDisplayText(value);
}

/** One attributes table (a span's, an event's or a log record's), at most MAX_SHOWN_ATTRIBUTES rows, values folded. */
function AttributeTable(props: { entries: [string, AttributeValue][] }) {
  return (
    <table class="attrs">
      <tbody>
        {props.entries.slice(0, MAX_SHOWN_ATTRIBUTES).map(([key, value]) => (
          <tr>
            <th class="mono">
              <BreakableName name={key} />
            </th>
            <td>
              <FoldedText text={attributeText(value)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
