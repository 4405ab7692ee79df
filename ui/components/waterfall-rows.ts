import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Flag } from '../../model/api.js';
import type { WaterfallSpan } from '../../store/api.js';
import type { TreeRow } from '../span-tree.js';
import { formatCount, formatDuration } from '../format.js';
import { cssToken } from './badges.js';

const MAX_DEPTH_CLASS = 24;
const KIND_LABEL: Record<string, string> = { llm: 'LLM', tool: 'TOOL', agent: 'AGENT', other: 'SPAN' };

/**
 * The waterfall's rows, one per span, on a shared time axis. Written with hono's `html` tagged
 * template rather than JSX because a run may have thousands of spans: the template escapes every
 * interpolated value exactly like JSX does (&, <, >, ", '), so span content is still only text,
 * at a tenth of the rendering cost.
 */
export function waterfallRows(props: {
  rows: TreeRow<WaterfallSpan>[];
  axisStartMs: number;
  axisMs: number;
  selectedSpanId: string | undefined;
  flagsBySpan: Map<string, Flag[]>;
}): HtmlEscapedString {
  const out: (HtmlEscapedString | Promise<HtmlEscapedString>)[] = [];
  for (const row of props.rows) out.push(waterfallRow(row, props));
  return html`${out}` as HtmlEscapedString;
}

function waterfallRow(
  row: TreeRow<WaterfallSpan>,
  props: { axisStartMs: number; axisMs: number; selectedSpanId: string | undefined; flagsBySpan: Map<string, Flag[]> },
): HtmlEscapedString | Promise<HtmlEscapedString> {
  const { span } = row;
  const spanFlags = props.flagsBySpan.get(span.spanId);
  const left = Math.max(0, ((span.startMs - props.axisStartMs) / props.axisMs) * 1000);
  const width = Math.min(Math.max(2, (span.durationMs / props.axisMs) * 1000), Math.max(2, 1000 - left));
  const classes = `wf-row k-${cssToken(span.kind)} st-${cssToken(span.status)}${spanFlags ? ' flagged' : ''}${span.spanId === props.selectedSpanId ? ' selected' : ''}`;
  // One template per row (nested templates cost more than the markup); only flagged rows nest one.
  const twistyClass = row.childCount > 0 ? 'twisty' : 'twisty leaf';
  const flag = spanFlags?.[0];
  const dot = flag === undefined ? '' : html`<i class="flag-dot det-${cssToken(flag.detector)}" title="${flag.summary}"></i>`;
  return html`<a class="${classes}" id="span-${span.spanId}" href="?span=${span.spanId}" data-depth="${row.depth}"><div class="wf-name d${Math.min(row.depth, MAX_DEPTH_CLASS)}"><span class="${twistyClass}"></span><span class="kind kind-${cssToken(span.kind)}">${KIND_LABEL[span.kind] ?? 'SPAN'}</span><span class="nm">${span.name}</span><span class="meta">${metaText(span)}</span>${dot}</div><div class="wf-dur">${formatDuration(span.durationMs)}</div><div class="wf-bar"><svg viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect x="${left.toFixed(1)}" y="1" width="${width.toFixed(1)}" height="8"/></svg></div></a>`;
}

/** What a row says after the name: tokens and model for an LLM call, the tool's name for a tool call. */
function metaText(span: WaterfallSpan): string {
  if (span.kind === 'llm') return `${span.tokens !== null ? `${formatCount(span.tokens)} tok · ` : ''}${span.model ?? ''}`;
  if (span.toolName !== null && !span.name.endsWith(span.toolName)) return span.toolName;
  return '';
}
