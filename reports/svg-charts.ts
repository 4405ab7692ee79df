import { escapeHtml, truncate } from './escape.js';

/**
 * Small inline-SVG charts for the HTML report: no scripts, no external fonts or images, every
 * label escaped, fixed pixel sizes so mail clients lay them out as images. Each function
 * returns one `<svg>` element as a string.
 */

const FONT = 'font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif"';
export const CHART_COLORS = {
  ok: '#9db4d6',
  failed: '#d64545',
  current: '#3b6fb6',
  previous: '#b8c4d6',
  baseline: '#555f6d',
  regression: '#d64545',
  grid: '#e3e7ee',
  text: '#4a5361',
};

export interface StackedBar {
  label: string;
  /** Bottom segment (e.g. failed runs) and the rest on top (e.g. other runs). */
  bottom: number;
  top: number;
  highlighted: boolean;
}

/** Vertical stacked bars over time (runs with failed runs at the bottom); highlighted bars are the period. */
export function stackedBarChart(bars: StackedBar[], options: { width?: number; height?: number; title: string }): string {
  const width = options.width ?? 600;
  const height = options.height ?? 170;
  const left = 40;
  const bottomPad = 22;
  const topPad = 8;
  const plotHeight = height - bottomPad - topPad;
  const plotWidth = width - left - 8;
  const max = niceMax(Math.max(1, ...bars.map((bar) => bar.bottom + bar.top)));
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(1, Math.min(48, slot * 0.7));
  const y = (value: number) => topPad + plotHeight - (value / max) * plotHeight;
  const parts: string[] = [];
  for (const tick of [0, max / 2, max]) {
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="${CHART_COLORS.grid}" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(y(tick) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="${CHART_COLORS.text}" ${FONT}>${formatTick(tick)}</text>`,
    );
  }
  const labelEvery = Math.ceil(bars.length / 10);
  bars.forEach((bar, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    const opacity = bar.highlighted ? '1' : '0.55';
    const bottomHeight = (bar.bottom / max) * plotHeight;
    const topHeight = (bar.top / max) * plotHeight;
    const base = topPad + plotHeight;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(base - bottomHeight - topHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${topHeight.toFixed(1)}" fill="${CHART_COLORS.ok}" fill-opacity="${opacity}"><title>${escapeHtml(bar.label)}: ${bar.top + bar.bottom} runs</title></rect>`,
      `<rect x="${x.toFixed(1)}" y="${(base - bottomHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${bottomHeight.toFixed(1)}" fill="${CHART_COLORS.failed}" fill-opacity="${opacity}"><title>${escapeHtml(bar.label)}: ${bar.bottom} failed</title></rect>`,
    );
    if (index % labelEvery === 0 || index === bars.length - 1) {
      parts.push(
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="${CHART_COLORS.text}" font-weight="${bar.highlighted ? '700' : '400'}" ${FONT}>${escapeHtml(bar.label)}</text>`,
      );
    }
  });
  return svg(width, height, options.title, parts);
}

export interface ComparisonRow {
  label: string;
  /** The value now (drawn as a bar). */
  value: number;
  /** The reference (drawn as a tick mark), or null. */
  reference: number | null;
  /** Drawn in the alarm colour. */
  alarm: boolean;
  /** Text shown right of the bar. */
  note: string;
}

/** Horizontal bars with a reference tick each, e.g. p95 now against the baseline's p95. */
export function comparisonChart(rows: ComparisonRow[], options: { width?: number; title: string; referenceLabel: string; valueLabel: string }): string {
  const width = options.width ?? 600;
  const rowHeight = 24;
  const labelWidth = 190;
  const noteWidth = 120;
  const legendHeight = 22;
  const height = legendHeight + rows.length * rowHeight + 6;
  const plotWidth = width - labelWidth - noteWidth - 10;
  const max = Math.max(1e-9, ...rows.map((row) => Math.max(row.value, row.reference ?? 0)));
  const parts: string[] = [
    `<rect x="${labelWidth}" y="5" width="12" height="10" fill="${CHART_COLORS.current}"/>`,
    `<text x="${labelWidth + 16}" y="14" font-size="11" fill="${CHART_COLORS.text}" ${FONT}>${escapeHtml(options.valueLabel)}</text>`,
    `<rect x="${labelWidth + 130}" y="3" width="3" height="14" fill="${CHART_COLORS.baseline}"/>`,
    `<text x="${labelWidth + 138}" y="14" font-size="11" fill="${CHART_COLORS.text}" ${FONT}>${escapeHtml(options.referenceLabel)}</text>`,
  ];
  rows.forEach((row, index) => {
    const top = legendHeight + index * rowHeight;
    const barWidth = Math.max(1, (row.value / max) * plotWidth);
    parts.push(
      `<text x="${labelWidth - 8}" y="${top + 16}" font-size="12" text-anchor="end" fill="#1f2733" ${FONT}>${escapeHtml(truncate(row.label, 28))}</text>`,
      `<rect x="${labelWidth}" y="${top + 5}" width="${barWidth.toFixed(1)}" height="14" rx="2" fill="${row.alarm ? CHART_COLORS.regression : CHART_COLORS.current}"/>`,
    );
    if (row.reference !== null) {
      const x = labelWidth + (row.reference / max) * plotWidth;
      parts.push(`<rect x="${(x - 1.5).toFixed(1)}" y="${top + 2}" width="3" height="20" fill="${CHART_COLORS.baseline}"/>`);
    }
    parts.push(
      `<text x="${labelWidth + plotWidth + 8}" y="${top + 16}" font-size="12" fill="${row.alarm ? CHART_COLORS.regression : CHART_COLORS.text}" font-weight="${row.alarm ? '700' : '400'}" ${FONT}>${escapeHtml(row.note)}</text>`,
    );
  });
  return svg(width, height, options.title, parts);
}

export interface GroupedRow {
  label: string;
  values: { name: string; value: number; color: string }[];
}

/** Horizontal grouped bars, e.g. flags per detector this period / previous / baseline. */
export function groupedBarChart(rows: GroupedRow[], options: { width?: number; title: string }): string {
  const width = options.width ?? 600;
  const labelWidth = 130;
  const barHeight = 10;
  const series = rows[0]?.values ?? [];
  const groupHeight = series.length * (barHeight + 2) + 12;
  const legendHeight = 22;
  const height = legendHeight + rows.length * groupHeight + 4;
  const plotWidth = width - labelWidth - 60;
  const max = Math.max(1, ...rows.flatMap((row) => row.values.map((value) => value.value)));
  const parts: string[] = [];
  series.forEach((item, index) => {
    const x = labelWidth + index * 140;
    parts.push(
      `<rect x="${x}" y="5" width="12" height="10" fill="${item.color}"/>`,
      `<text x="${x + 16}" y="14" font-size="11" fill="${CHART_COLORS.text}" ${FONT}>${escapeHtml(item.name)}</text>`,
    );
  });
  rows.forEach((row, rowIndex) => {
    const top = legendHeight + rowIndex * groupHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${top + groupHeight / 2 + 2}" font-size="12" text-anchor="end" fill="#1f2733" ${FONT}>${escapeHtml(truncate(row.label, 20))}</text>`,
    );
    row.values.forEach((item, index) => {
      const y = top + 4 + index * (barHeight + 2);
      const barWidth = Math.max(item.value > 0 ? 2 : 0, (item.value / max) * plotWidth);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight}" fill="${item.color}"/>`,
        `<text x="${(labelWidth + barWidth + 4).toFixed(1)}" y="${y + 9}" font-size="10" fill="${CHART_COLORS.text}" ${FONT}>${formatTick(item.value)}</text>`,
      );
    });
  });
  return svg(width, height, options.title, parts);
}

function svg(width: number, height: number, title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatTick(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
