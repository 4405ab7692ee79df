import { formatClock, formatCount, formatDuration, niceTicks } from '../format.js';

/**
 * Server-rendered SVG charts. Geometry is computed here and written as SVG attributes (no inline
 * styles: the Content-Security-Policy forbids them); colours come from classes in app.css.
 * Labels are text nodes, escaped like everything else.
 */

export interface Series {
  name: string;
  /** CSS class of the series' fill, e.g. `fill-silent_failure`. */
  cls: string;
}

export interface StackedBucket {
  startMs: number;
  values: number[];
}

const PAD = { left: 44, right: 12, top: 10, bottom: 24 };

/** Stacked bars over time, one stack per bucket, with a legend. */
export function StackedBarChart(props: { buckets: StackedBucket[]; series: Series[]; bucketMs: number; height?: number; label: string }) {
  const width = 720;
  const height = props.height ?? 180;
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const maxTotal = Math.max(1, ...props.buckets.map((bucket) => bucket.values.reduce((sum, value) => sum + value, 0)));
  const ticks = niceTicks(maxTotal, 4);
  const yMax = ticks[ticks.length - 1] ?? maxTotal;
  const n = Math.max(1, props.buckets.length);
  const slot = plotWidth / n;
  const barWidth = Math.max(1, slot * 0.78);
  const spansDays = props.buckets.length > 0 && (props.buckets[n - 1]!.startMs - props.buckets[0]!.startMs) > 36 * 3_600_000;
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  const y = (value: number) => PAD.top + plotHeight - (value / yMax) * plotHeight;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label} class="chart-svg">
        {ticks.map((tick) => (
          <g>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(tick)} y2={y(tick)} class="grid" />
            <text x={PAD.left - 6} y={y(tick) + 4} class="axis-label" text-anchor="end">
              {formatCount(tick)}
            </text>
          </g>
        ))}
        {props.buckets.map((bucket, index) => {
          let base = 0;
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          const total = bucket.values.reduce((sum, value) => sum + value, 0);
          return (
            <g>
              <title>{`${formatClock(bucket.startMs, spansDays)} · ${props.series.map((s, i) => `${s.name} ${bucket.values[i] ?? 0}`).join(', ')}`}</title>
              {total === 0 ? null : bucket.values.map((value, seriesIndex) => {
                if (value <= 0) return null;
                const top = y(base + value);
                const bottom = y(base);
                base += value;
                return <rect x={x.toFixed(1)} y={top.toFixed(1)} width={barWidth.toFixed(1)} height={Math.max(0.5, bottom - top).toFixed(1)} class={props.series[seriesIndex]?.cls ?? ''} />;
              })}
              {index % labelEvery === 0 ? (
                <text x={(x + barWidth / 2).toFixed(1)} y={height - 6} class="axis-label" text-anchor="middle">
                  {formatClock(bucket.startMs, spansDays)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
      </svg>
      <figcaption class="legend">
        {props.series.map((series) => (
          <span>
            <i class={`swatch ${series.cls}`}></i>
            {series.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export interface ScatterPoint {
  xMs: number;
  durationMs: number;
  /** 'spike' draws a red ringed dot; 'error' a dark red dot; 'focus' the highlighted one. */
  mark?: 'spike' | 'error' | 'focus';
  href?: string;
  title: string;
}

export interface BandSegment {
  startMs: number;
  endMs: number;
  lowMs: number;
  highMs: number;
  medianMs: number;
}

/** Durations over time as dots, with the baseline band (p50–p95 per segment) behind them. */
export function LatencyScatter(props: {
  points: ScatterPoint[];
  band: BandSegment[];
  sinceMs: number;
  untilMs: number;
  height?: number;
  width?: number;
  label: string;
  log?: boolean;
}) {
  const width = props.width ?? 720;
  const height = props.height ?? 240;
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const maxDuration = Math.max(1, ...props.points.map((point) => point.durationMs), ...props.band.map((segment) => segment.highMs));
  const ticks = niceTicks(maxDuration, 4);
  const yMax = ticks[ticks.length - 1] ?? maxDuration;
  const span = Math.max(1, props.untilMs - props.sinceMs);
  const x = (ms: number) => PAD.left + ((ms - props.sinceMs) / span) * plotWidth;
  const y = (value: number) => PAD.top + plotHeight - (Math.min(value, yMax) / yMax) * plotHeight;
  const spansDays = span > 36 * 3_600_000;
  const timeTicks = Array.from({ length: 5 }, (_, index) => props.sinceMs + (span * index) / 4);
  const ordered = [...props.points].sort((a, b) => markRank(a.mark) - markRank(b.mark));
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label} class="chart-svg">
        {ticks.map((tick) => (
          <g>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(tick)} y2={y(tick)} class="grid" />
            <text x={PAD.left - 6} y={y(tick) + 4} class="axis-label" text-anchor="end">
              {formatDuration(tick)}
            </text>
          </g>
        ))}
        {props.band.map((segment) => (
          <g>
            <title>{`baseline ${formatClock(segment.startMs, spansDays)}: p50 ${formatDuration(segment.medianMs)}, p95 ${formatDuration(segment.highMs)}`}</title>
            <rect
              x={x(segment.startMs).toFixed(1)}
              y={y(segment.highMs).toFixed(1)}
              width={Math.max(1, x(segment.endMs) - x(segment.startMs)).toFixed(1)}
              height={Math.max(1, y(segment.lowMs) - y(segment.highMs)).toFixed(1)}
              class="band"
            />
            <line x1={x(segment.startMs).toFixed(1)} x2={x(segment.endMs).toFixed(1)} y1={y(segment.medianMs).toFixed(1)} y2={y(segment.medianMs).toFixed(1)} class="band-median" />
          </g>
        ))}
        {ordered.map((point) => {
          const dot = (
            <circle cx={x(point.xMs).toFixed(1)} cy={y(point.durationMs).toFixed(1)} r={point.mark === 'spike' || point.mark === 'focus' ? 5 : 2.6} class={`pt${point.mark ? ` pt-${point.mark}` : ''}`}>
              <title>{point.title}</title>
            </circle>
          );
          return point.href ? <a href={point.href}>{dot}</a> : dot;
        })}
        {timeTicks.map((tick, index) => (
          <text x={x(tick).toFixed(1)} y={height - 6} class="axis-label" text-anchor={index === 0 ? 'start' : index === 4 ? 'end' : 'middle'}>
            {formatClock(tick, spansDays)}
          </text>
        ))}
        <line x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
      </svg>
      <figcaption class="legend">
        <span>
          <i class="swatch band"></i>baseline p50–p95
        </span>
        <span>
          <i class="swatch pt"></i>call
        </span>
        <span>
          <i class="swatch pt-error"></i>error
        </span>
        <span>
          <i class="swatch pt-spike"></i>latency spike
        </span>
      </figcaption>
    </figure>
  );
}

function markRank(mark: ScatterPoint['mark']): number {
  return mark === 'focus' ? 3 : mark === 'spike' ? 2 : mark === 'error' ? 1 : 0;
}

/** Horizontal bars comparing a duration with its baseline figures (for a spike's evidence). */
export function BaselineBars(props: { rows: { label: string; valueMs: number; cls: string }[] }) {
  const width = 420;
  const rowHeight = 22;
  const labelWidth = 110;
  const max = Math.max(1, ...props.rows.map((row) => row.valueMs));
  const height = props.rows.length * rowHeight + 4;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} class="chart-svg baseline-bars" role="img" aria-label="duration against baseline">
      {props.rows.map((row, index) => {
        const barWidth = Math.max(2, ((width - labelWidth - 80) * row.valueMs) / max);
        const top = index * rowHeight + 2;
        return (
          <g>
            <text x={labelWidth - 8} y={top + 14} class="axis-label" text-anchor="end">
              {row.label}
            </text>
            <rect x={labelWidth} y={top + 3} width={barWidth.toFixed(1)} height={rowHeight - 8} rx="2" class={row.cls} />
            <text x={(labelWidth + barWidth + 6).toFixed(1)} y={top + 14} class="value-label">
              {formatDuration(row.valueMs)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Splits samples into `segments` equal time slices and takes p50 and p95 of each (≥ 3 samples). */
export function baselineBand(samples: { startMs: number; durationMs: number }[], sinceMs: number, untilMs: number, segments = 24): BandSegment[] {
  const width = Math.max(1, (untilMs - sinceMs) / segments);
  const slices: number[][] = Array.from({ length: segments }, () => []);
  for (const sample of samples) {
    const index = Math.min(segments - 1, Math.max(0, Math.floor((sample.startMs - sinceMs) / width)));
    slices[index]!.push(sample.durationMs);
  }
  const band: BandSegment[] = [];
  slices.forEach((slice, index) => {
    if (slice.length < 3) return;
    slice.sort((a, b) => a - b);
    band.push({
      startMs: sinceMs + index * width,
      endMs: sinceMs + (index + 1) * width,
      lowMs: quantile(slice, 0.5),
      medianMs: quantile(slice, 0.5),
      highMs: quantile(slice, 0.95),
    });
  });
  return band;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
