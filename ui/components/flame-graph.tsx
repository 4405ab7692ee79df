import type { WaterfallSpan } from '../../store/api.js';
import type { TreeRow } from '../span-tree.js';
import { cssToken } from './badges.js';
import { formatDuration } from '../format.js';
import { withQuery } from '../links.js';

/** Width of the drawing in SVG units; it scales to the panel. */
const WIDTH = 1000;
const ROW_HEIGHT = 22;
/** Deeper spans are drawn on the last row (a pathological depth cannot make the page enormous). */
const MAX_DEPTH = 40;
/** Characters that fit in one SVG unit of width at the label's size (about 6.5 units a character). */
const CHARS_PER_UNIT = 1 / 6.5;

/**
 * A run as a flame graph (icicle: the root on top, each span under its parent, x = time,
 * width = duration), beside the same span panel as the waterfall. Every box links to its span;
 * names are SVG text nodes (escaped), with the full name and duration in a <title>.
 */
export function FlameGraph(props: {
  traceId: string;
  rows: TreeRow<WaterfallSpan>[];
  axisStartMs: number;
  axisMs: number;
  selectedSpanId: string | undefined;
  flaggedSpanIds: Set<string>;
}) {
  const depth = Math.min(MAX_DEPTH, props.rows.reduce((max, row) => Math.max(max, row.depth), 0)) + 1;
  const height = depth * ROW_HEIGHT;
  return (
    <div class="flame" id="flame-graph">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" height={height} preserveAspectRatio="none" role="img" aria-label="Flame graph of the run's spans">
        {props.rows.map((row) => {
          const span = row.span;
          const x = ((span.startMs - props.axisStartMs) / props.axisMs) * WIDTH;
          const width = Math.max(0.8, (span.durationMs / props.axisMs) * WIDTH);
          const y = Math.min(row.depth, MAX_DEPTH - 1) * ROW_HEIGHT;
          const maxChars = Math.floor((width - 6) * CHARS_PER_UNIT);
          const label = maxChars >= 3 ? (span.name.length <= maxChars ? span.name : `${span.name.slice(0, maxChars - 1)}…`) : '';
          const classes = [
            'fl-box',
            `fl-${cssToken(span.kind)}`,
            span.status === 'error' ? 'fl-error' : '',
            props.flaggedSpanIds.has(span.spanId) ? 'fl-flagged' : '',
            span.spanId === props.selectedSpanId ? 'fl-selected' : '',
          ].filter((name) => name !== '');
          return (
            <a href={`${withQuery(`/runs/${props.traceId}`, { view: 'flame', span: span.spanId })}#flame-graph`} data-span={span.spanId}>
              <title>{`${span.name} · ${formatDuration(span.durationMs)}${span.status === 'error' ? ' · error' : ''}`}</title>
              <rect class={classes.join(' ')} x={x.toFixed(2)} y={y + 1} width={width.toFixed(2)} height={ROW_HEIGHT - 2} rx="2" />
              {label !== '' ? (
                <text class="fl-label" x={(x + 4).toFixed(2)} y={y + 15}>
                  {label}
                </text>
              ) : null}
            </a>
          );
        })}
      </svg>
    </div>
  );
}
