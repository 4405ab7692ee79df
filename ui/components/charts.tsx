import { percentileSorted } from '../../model/percentile.js';
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
  const ticks = niceTicks(maxTotal, 4, { integer: true });
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
        <YGrid ticks={ticks} y={y} width={width} format={formatCount} />
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
  /** Force a log (true) or linear (false) y axis; default: log when durations span > 20×. */
  log?: boolean;
  bandLabel?: string;
}) {
  const width = props.width ?? 720;
  const height = props.height ?? 240;
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const values = [...props.points.map((point) => point.durationMs), ...props.band.map((segment) => segment.highMs)];
  const maxDuration = Math.max(1, ...values);
  const minPositive = Math.max(0.01, Math.min(maxDuration, ...values.filter((value) => value > 0)));
  // Log scale when durations span more than 20×, so a spike does not flatten the baseline.
  const log = props.log ?? maxDuration / minPositive > 20;
  const ticks = log ? logTicks(minPositive, maxDuration) : niceTicks(maxDuration, 4);
  const yMax = ticks[ticks.length - 1] ?? maxDuration;
  const yMin = log ? (ticks[0] ?? minPositive) : 0;
  const span = Math.max(1, props.untilMs - props.sinceMs);
  const x = (ms: number) => PAD.left + ((ms - props.sinceMs) / span) * plotWidth;
  const y = log
    ? (value: number) => {
        const clamped = Math.min(Math.max(value, yMin), yMax);
        return PAD.top + plotHeight - ((Math.log10(clamped) - Math.log10(yMin)) / Math.max(1e-9, Math.log10(yMax) - Math.log10(yMin))) * plotHeight;
      }
    : (value: number) => PAD.top + plotHeight - (Math.min(value, yMax) / yMax) * plotHeight;
  const spansDays = span > 36 * 3_600_000;
  const timeTicks = Array.from({ length: 5 }, (_, index) => props.sinceMs + (span * index) / 4);
  const ordered = [...props.points].sort((a, b) => markRank(a.mark) - markRank(b.mark));
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label} class="chart-svg">
        <YGrid ticks={ticks} y={y} width={width} format={formatDuration} />
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
        <line x1={PAD.left} x2={width - PAD.right} y1={PAD.top + plotHeight} y2={PAD.top + plotHeight} class="axis" />
      </svg>
      <figcaption class="legend">
        {log ? <span class="muted">log scale</span> : null}
        <span>
          <i class="swatch band"></i>{props.bandLabel ?? 'baseline p50–p95'}
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

/** 1-2-5 ticks per decade from below `min` to above `max`, at most ~7 of them. */
/** Horizontal grid lines at `ticks`, each labelled on the left with `format(tick)`. */
function YGrid(props: { ticks: number[]; y: (value: number) => number; width: number; format: (value: number) => string }) {
  return (
    <>
      {props.ticks.map((tick) => (
        <g>
          <line x1={PAD.left} x2={props.width - PAD.right} y1={props.y(tick)} y2={props.y(tick)} class="grid" />
          <text x={PAD.left - 6} y={props.y(tick) + 4} class="axis-label" text-anchor="end">
            {props.format(tick)}
          </text>
        </g>
      ))}
    </>
  );
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  let decade = 10 ** Math.floor(Math.log10(min));
  while (ticks.length === 0 || ticks[ticks.length - 1]! < max) {
    for (const m of [1, 2, 5]) {
      const value = Number((m * decade).toPrecision(6));
      if (value * 5 >= min || ticks.length > 0) ticks.push(value);
      if (value >= max) break;
    }
    decade *= 10;
  }
  const start = Math.max(0, ticks.findIndex((tick, index) => tick <= min && (ticks[index + 1] ?? Infinity) > min));
  const trimmed = ticks.slice(start);
  if (trimmed.length <= 7) return trimmed;
  // Keep decades only when there are too many ticks.
  const decades = trimmed.filter((tick) => Math.abs(Math.log10(tick) - Math.round(Math.log10(tick))) < 1e-9);
  if (decades[0] !== trimmed[0]) decades.unshift(trimmed[0]!);
  if (decades[decades.length - 1] !== trimmed[trimmed.length - 1]) decades.push(trimmed[trimmed.length - 1]!);
  return decades;
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

/**
 * The baseline band: the window split into `segments` equal time slices, each with p50 and p95
 * of the samples in it and the `trailing` slices before it (≥ 5 samples, else no band there).
 * Pass the samples without the flagged spikes, so the band shows what is usual.
 */
export function baselineBand(samples: { startMs: number; durationMs: number }[], sinceMs: number, untilMs: number, segments = 24, trailing = 3): BandSegment[] {
  const width = Math.max(1, (untilMs - sinceMs) / segments);
  const slices: number[][] = Array.from({ length: segments }, () => []);
  for (const sample of samples) {
    const index = Math.min(segments - 1, Math.max(0, Math.floor((sample.startMs - sinceMs) / width)));
    slices[index]!.push(sample.durationMs);
  }
  const band: BandSegment[] = [];
  slices.forEach((_, index) => {
    const slice = slices.slice(Math.max(0, index - trailing), index + 1).flat();
    if (slice.length < 5) return;
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
  return percentileSorted(sorted, q);
}
