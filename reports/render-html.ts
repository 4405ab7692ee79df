import type { Report, Totals } from './build-report.js';
import { escapeHtml, truncate } from './escape.js';
import {
  detectorLabel,
  formatCount,
  formatDelta,
  formatDurationMs,
  formatPercent,
  formatRateDelta,
  formatTime,
  formatTokens,
  formatUsd,
} from './format.js';
import { CHART_COLORS, comparisonChart, groupedBarChart, stackedBarChart } from './svg-charts.js';

/**
 * The report as one self-contained HTML document that reads well in a browser and when mailed:
 * table layout, inline styles only, inline SVG charts, no scripts, no external requests. Every
 * span-derived string goes through escapeHtml; link targets are built from the configured public
 * URL, hex trace ids and percent-encoded names, and escaped again as attributes.
 */

const MAX_ROWS = 15;
const WIDTH = 680;
const FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const S = {
  h2: `margin:28px 0 8px;font-size:17px;color:#1f2733;${FONT}`,
  p: `margin:0 0 10px;font-size:14px;line-height:1.5;color:#3a4350;${FONT}`,
  table: 'width:100%;border-collapse:collapse;margin:0 0 6px',
  th: `text-align:left;padding:6px 8px;border-bottom:2px solid #d5dbe5;font-size:12px;color:#5a6472;font-weight:600;${FONT}`,
  thNum: `text-align:right;padding:6px 8px;border-bottom:2px solid #d5dbe5;font-size:12px;color:#5a6472;font-weight:600;${FONT}`,
  td: `padding:6px 8px;border-bottom:1px solid #eceff4;font-size:13px;color:#1f2733;vertical-align:top;${FONT}`,
  tdNum: `padding:6px 8px;border-bottom:1px solid #eceff4;font-size:13px;color:#1f2733;text-align:right;white-space:nowrap;vertical-align:top;${FONT}`,
  a: 'color:#2457a6;text-decoration:none',
  code: "font-family:SFMono-Regular,Consolas,'Liberation Mono',monospace;font-size:12px;background:#f1f3f7;padding:1px 4px;border-radius:3px",
  muted: 'color:#7a8391',
};
const SEVERITY_COLORS: Record<string, string> = { critical: '#c62828', warning: '#d9822b', info: '#6b7785' };

export function renderHtml(report: Report): string {
  const body: string[] = [];
  body.push(header(report));
  body.push(overview(report));
  body.push(seriesChart(report));
  body.push(flags(report));
  body.push(signatures(report));
  body.push(worstAgents(report));
  body.push(worstTools(report));
  body.push(latency(report));
  body.push(burn(report));
  body.push(cost(report));
  body.push(versions(report));
  body.push(
    `<p style="${S.p};font-size:12px;${S.muted};margin-top:28px">Report ${escapeHtml(report.id)} · generated ${formatTime(report.generatedAt)} by tracehound · previous period ${formatTime(report.previousPeriod.since)} → ${formatTime(report.previousPeriod.until)} · baseline ${formatTime(report.baseline.since)} → ${formatTime(report.baseline.until)}</p>`,
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>tracehound report ${escapeHtml(formatTime(report.period.since))} → ${escapeHtml(formatTime(report.period.until))}</title></head>
<body style="margin:0;padding:0;background:#f4f6f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6f9"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="${WIDTH}" cellpadding="0" cellspacing="0" style="width:${WIDTH}px;max-width:100%;background:#ffffff;border:1px solid #dde2ea;border-radius:6px"><tr><td style="padding:24px 28px">
${body.join('\n')}
</td></tr></table>
</td></tr></table>
</body></html>
`;
}

function header(report: Report): string {
  const { current, previous } = report.totals;
  const s = report.summary;
  const tile = (value: string, label: string, sub: string, alarm = false) =>
    `<td width="25%" style="padding:10px 8px;border:1px solid #e3e7ee;border-radius:4px;vertical-align:top;${FONT}">
<div style="font-size:22px;font-weight:700;color:${alarm ? '#c62828' : '#1f2733'}">${value}</div>
<div style="font-size:12px;color:#5a6472">${label}</div><div style="font-size:11px;${S.muted}">${sub}</div></td>`;
  return `<p style="${S.p};${S.muted};font-size:12px;margin:0">TRACEHOUND · ANOMALY REPORT</p>
<h1 style="margin:4px 0 16px;font-size:21px;color:#1f2733;${FONT}">${formatTime(report.period.since)} → ${formatTime(report.period.until)}</h1>
<table role="presentation" width="100%" cellpadding="0" cellspacing="6" style="margin:0 -6px"><tr>
${tile(formatCount(current.runs), 'runs', `${formatDelta(current.runs, previous.runs)} vs previous`)}
${tile(formatPercent(current.failureRate), `failed (${formatCount(current.failedRuns)})`, `${formatRateDelta(current.failureRate, previous.failureRate)} vs previous`, current.failureRate > previous.failureRate && current.failedRuns > 0)}
${tile(formatCount(s.flags), `flags, ${s.criticalFlags} critical`, `${formatDelta(s.flags, previous.flags)} vs previous`, s.criticalFlags > 0)}
${tile(String(s.newSignatures), 'new failure signatures', `${s.latencyRegressions} latency regression${s.latencyRegressions === 1 ? '' : 's'}`, s.newSignatures > 0)}
</tr></table>
<p style="${S.p};margin-top:12px"><a href="${attr(report.links.report)}" style="${S.a}">Open this report in the web view</a> · <a href="${attr(report.links.web)}" style="${S.a}">tracehound</a></p>`;
}

function overview(report: Report): string {
  const { current, previous, baseline } = report.totals;
  const row = (label: string, pick: (totals: Totals) => string) =>
    `<tr><td style="${S.td}">${label}</td><td style="${S.tdNum};font-weight:600">${pick(current)}</td><td style="${S.tdNum}">${pick(previous)}</td><td style="${S.tdNum}">${pick(baseline)}</td></tr>`;
  return `<h2 style="${S.h2}">Overview</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}">
<tr><th style="${S.th}"></th><th style="${S.thNum}">This period</th><th style="${S.thNum}">Previous period</th><th style="${S.thNum}">7-day baseline<br><span style="font-weight:400">per period</span></th></tr>
${row('Runs', (t) => formatCount(t.runs))}
${row('Failed runs', (t) => formatCount(t.failedRuns))}
${row('Failure rate', (t) => formatPercent(t.failureRate))}
${row('&nbsp;&nbsp;failed loudly (root error)', (t) => formatCount(t.errorRuns))}
${row('&nbsp;&nbsp;failed silently', (t) => formatCount(t.silentFailureRuns))}
${row('Flags', (t) => formatCount(t.flags))}
${row('Tokens (in + out)', (t) => formatTokens(t.inputTokens + t.outputTokens))}
</table>`;
}

function seriesChart(report: Report): string {
  const daily = report.series.bucketMs >= 86_400_000;
  const bars = report.series.points.map((point) => ({
    label: daily ? point.start.slice(5, 10) : point.start.slice(11, 16),
    bottom: point.failedRuns,
    top: Math.max(0, point.runs - point.failedRuns),
    highlighted: point.inPeriod,
  }));
  return `<p style="${S.p};margin-top:14px;font-size:12px;${S.muted}">Runs per ${daily ? 'day' : 'period'} (<span style="color:${CHART_COLORS.failed}">■</span> failed), this period in full colour, the baseline days faded</p>
${stackedBarChart(bars, { title: 'Runs and failed runs over the baseline and this period', width: WIDTH - 56 })}`;
}

function flags(report: Report): string {
  if (report.flagsBySeverity.length === 0) return `<h2 style="${S.h2}">Flags</h2><p style="${S.p}">No flags in this period, the previous one or the baseline.</p>`;
  const byDetector = new Map<string, { current: number; previous: number; baseline: number }>();
  for (const item of report.flagsBySeverity) {
    const entry = byDetector.get(item.detector) ?? { current: 0, previous: 0, baseline: 0 };
    entry.current += item.current;
    entry.previous += item.previous;
    entry.baseline += item.baseline;
    byDetector.set(item.detector, entry);
  }
  const chart = groupedBarChart(
    [...byDetector].map(([detector, entry]) => ({
      label: detectorLabel(detector),
      values: [
        { name: 'This period', value: entry.current, color: CHART_COLORS.current },
        { name: 'Previous period', value: entry.previous, color: CHART_COLORS.previous },
        { name: 'Baseline (per period)', value: Math.round(entry.baseline * 10) / 10, color: CHART_COLORS.baseline },
      ],
    })),
    { title: 'Flags by detector', width: WIDTH - 56 },
  );
  const rows = report.flagsBySeverity
    .map(
      (item) =>
        `<tr><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}">${escapeHtml(detectorLabel(item.detector))}</a></td><td style="${S.td}">${severityBadge(item.severity)}</td><td style="${S.tdNum};font-weight:600">${item.current}</td><td style="${S.tdNum}">${formatDelta(item.current, item.previous)}</td><td style="${S.tdNum}">${formatCount(item.baseline)}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">Flags by detector and severity</h2>
${chart}
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table};margin-top:8px">
<tr><th style="${S.th}">Detector</th><th style="${S.th}">Severity</th><th style="${S.thNum}">This period</th><th style="${S.thNum}">vs previous</th><th style="${S.thNum}">Baseline</th></tr>
${rows}
</table>`;
}

function signatures(report: Report): string {
  if (report.signatures.length === 0) return `<h2 style="${S.h2}">Recurring failures</h2><p style="${S.p}">No failure signatures in this period.</p>`;
  const rows = report.signatures
    .slice(0, MAX_ROWS)
    .map((item) => {
      const newBadge = item.isNew
        ? `<span style="display:inline-block;background:#c62828;color:#fff;font-size:10px;font-weight:700;padding:1px 5px;border-radius:3px;margin-right:4px">NEW</span>`
        : '';
      const who = [item.agent === null ? null : `agent ${code(item.agent)}`, item.tool === null ? null : `tool ${code(item.tool)}`].filter(Boolean).join(' · ');
      return `<tr><td style="${S.td}">${newBadge}${severityBadge(item.severity)} <strong>${escapeHtml(detectorLabel(item.detector))}</strong>${who ? ` · ${who}` : ''}
<div style="margin-top:3px;color:#3a4350">${escapeHtml(truncate(item.exampleSummary, 220))}</div>
<div style="margin-top:3px;font-size:11px;${S.muted}">first seen ${formatTime(item.firstSeen)} · last seen ${formatTime(item.lastSeen)} · <a href="${attr(item.link)}" style="${S.a}">latest run</a> · <a href="${attr(item.flagsLink)}" style="${S.a}">all ${escapeHtml(detectorLabel(item.detector).toLowerCase())} flags</a></div></td>
<td style="${S.tdNum};font-weight:600">${item.count}</td><td style="${S.tdNum}">${item.runs}</td><td style="${S.tdNum}">${formatDelta(item.count, item.previousCount)}</td></tr>`;
    })
    .join('\n');
  const newCount = report.summary.newSignatures;
  return `<h2 style="${S.h2}">Recurring failures</h2>
<p style="${S.p}">The same detector on the same agent, tool and pattern, grouped. ${newCount > 0 ? `<strong style="color:#c62828">${newCount} new</strong> this period (never seen before it).` : 'None is new.'}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}">
<tr><th style="${S.th}">Failure</th><th style="${S.thNum}">Flags</th><th style="${S.thNum}">Runs</th><th style="${S.thNum}">vs previous</th></tr>
${rows}
${moreRow(report.signatures.length, 4)}
</table>`;
}

function worstAgents(report: Report): string {
  if (report.worstAgents.length === 0) return `<h2 style="${S.h2}">Worst agents</h2><p style="${S.p}">No agent had a failed or flagged run.</p>`;
  const rows = report.worstAgents
    .map(
      (item) =>
        `<tr><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}">${item.agent === null ? '<em>no agent</em>' : escapeHtml(truncate(item.agent, 60))}</a><div style="font-size:11px;${S.muted}">${escapeHtml(truncate(item.service, 60))}</div></td><td style="${S.tdNum}">${item.runs}</td><td style="${S.tdNum};font-weight:600">${item.failedRuns}</td><td style="${S.tdNum}">${formatPercent(item.failureRate)}</td><td style="${S.tdNum}">${item.flags}${item.criticalFlags > 0 ? ` <span style="color:#c62828">(${item.criticalFlags} crit.)</span>` : ''}</td><td style="${S.tdNum}">${formatTokens(item.tokens)}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">Worst agents</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}">
<tr><th style="${S.th}">Agent</th><th style="${S.thNum}">Runs</th><th style="${S.thNum}">Failed</th><th style="${S.thNum}">Rate</th><th style="${S.thNum}">Flags</th><th style="${S.thNum}">Tokens</th></tr>
${rows}
</table>`;
}

function worstTools(report: Report): string {
  if (report.worstTools.length === 0) return `<h2 style="${S.h2}">Worst tools</h2><p style="${S.p}">No tool had an error or a flag.</p>`;
  const rows = report.worstTools
    .map(
      (item) =>
        `<tr><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}">${code(item.tool)}</a></td><td style="${S.tdNum}">${item.calls}</td><td style="${S.tdNum}">${item.errors}</td><td style="${S.tdNum}">${formatPercent(item.errorRate)}</td><td style="${S.tdNum};font-weight:600">${item.flags}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">Worst tools</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}">
<tr><th style="${S.th}">Tool</th><th style="${S.thNum}">Calls</th><th style="${S.thNum}">Errors</th><th style="${S.thNum}">Error rate</th><th style="${S.thNum}">Flags</th></tr>
${rows}
</table>`;
}

function latency(report: Report): string {
  if (report.latency.length === 0) return `<h2 style="${S.h2}">Latency</h2><p style="${S.p}">No spans in this period.</p>`;
  // The chart shows each p95 as a multiple of its baseline p95 (the tick at 1×), so a 40 ms tool
  // and a 40 s agent run share one readable scale.
  const charted = report.latency
    .filter((item) => item.p95Ratio !== null)
    .sort((a, b) => Number(b.regression) - Number(a.regression) || (b.p95Ratio ?? 0) - (a.p95Ratio ?? 0))
    .slice(0, 10);
  const chart =
    charted.length === 0
      ? ''
      : comparisonChart(
          charted.map((item) => ({
            label: item.operation,
            value: item.p95Ratio ?? 0,
            reference: 1,
            alarm: item.regression,
            note: `${(item.p95Ratio ?? 0).toFixed(2)}× · ${formatDurationMs(item.p95Ms)}`,
          })),
          { title: 'p95 latency per operation as a multiple of its 7-day baseline p95', width: WIDTH - 56, valueLabel: 'p95 ÷ baseline p95', referenceLabel: '1× = as usual' },
        );
  const intro =
    report.regressions.length === 0
      ? 'No latency regressions against the 7-day baseline.'
      : `<strong style="color:#c62828">${report.regressions.length} regression${report.regressions.length === 1 ? '' : 's'}</strong>: ${report.regressions
          .slice(0, 3)
          .map((item) => `${code(item.operation)} p95 ${formatDurationMs(item.p95Ms)}, ${item.p95Ratio?.toFixed(1)}× the baseline's ${formatDurationMs(item.baseline?.p95Ms ?? 0)}`)
          .join('; ')}.`;
  const rows = report.latency
    .slice(0, MAX_ROWS)
    .map(
      (item) =>
        `<tr${item.regression ? ' style="background:#fdf1f1"' : ''}><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}">${code(item.operation)}</a></td><td style="${S.tdNum}">${item.count}</td><td style="${S.tdNum}">${formatDurationMs(item.p50Ms)}</td><td style="${S.tdNum};font-weight:600">${formatDurationMs(item.p95Ms)}</td><td style="${S.tdNum}">${formatDurationMs(item.p99Ms)}</td><td style="${S.tdNum}">${item.baseline ? formatDurationMs(item.baseline.p95Ms) : '–'}</td><td style="${S.tdNum}${item.regression ? ';color:#c62828;font-weight:700' : ''}">${item.p95Ratio === null ? 'new' : `${item.p95Ratio.toFixed(2)}×`}${item.notJudged === null ? '' : `<div style="font-size:11px;font-weight:400;${S.muted}">not judged: ${escapeHtml(item.notJudged)}</div>`}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">Latency by operation</h2>
<p style="${S.p}">${intro}</p>
${chart}
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table};margin-top:8px">
<tr><th style="${S.th}">Operation</th><th style="${S.thNum}">Spans</th><th style="${S.thNum}">p50</th><th style="${S.thNum}">p95</th><th style="${S.thNum}">p99</th><th style="${S.thNum}">Baseline p95</th><th style="${S.thNum}">Change</th></tr>
${rows}
${moreRow(report.latency.length, 7)}
</table>`;
}

function burn(report: Report): string {
  const { loops, silentFailures } = report.burn;
  const tile = (title: string, group: typeof loops, note: string) =>
    `<td width="50%" style="padding:10px 12px;border:1px solid #e3e7ee;vertical-align:top;${FONT}"><div style="font-size:12px;color:#5a6472">${title}</div>
<div style="font-size:20px;font-weight:700;color:#1f2733">${formatTokens(group.tokens)} tokens</div>
<div style="font-size:13px;color:#3a4350">${formatDurationMs(group.durationMs)} across ${group.runs} run${group.runs === 1 ? '' : 's'}</div>
<div style="font-size:13px;color:#3a4350">${formatUsd(group.costUsd)} for those runs${group.costPartial ? ' (some models have no price)' : ''}</div><div style="font-size:11px;${S.muted}">${note}</div></td>`;
  const costliest = [
    ...loops.top.map((item) => ({ ...item, kind: 'tool loop' })),
    ...silentFailures.top.map((item) => ({ ...item, kind: 'silent failure' })),
  ]
    .sort((a, b) => b.tokens - a.tokens)
    .slice(0, 5);
  const rows = costliest
    .map(
      (item) =>
        `<tr><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}"><span style="${S.code}">${escapeHtml(item.traceId.slice(0, 12))}…</span></a></td><td style="${S.td}">${item.kind}</td><td style="${S.td}">${item.agent === null ? '–' : escapeHtml(truncate(item.agent, 40))}</td><td style="${S.tdNum}">${formatTokens(item.tokens)}</td><td style="${S.tdNum}">${formatDurationMs(item.durationMs)}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">What loops and silent failures cost</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>
${tile('Burned in tool loops', loops, 'the loop itself where the flag measured it, else the whole run')}
${tile('Burned by runs that failed silently', silentFailures, 'whole runs: the result was not usable')}
</tr></table>
${
  rows === ''
    ? ''
    : `<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table};margin-top:10px">
<tr><th style="${S.th}">Costliest runs</th><th style="${S.th}">Kind</th><th style="${S.th}">Agent</th><th style="${S.thNum}">Tokens</th><th style="${S.thNum}">Time</th></tr>
${rows}
</table>`
}`;
}

function cost(report: Report): string {
  if (report.cost === undefined) return '';
  const { totalUsd, previousTotalUsd, unpricedCalls, byModel, byAgent } = report.cost;
  const models = byModel
    .map((row) => `<tr><td style="${S.td}">${escapeHtml(truncate(row.model === '' ? '(unnamed)' : row.model, 60))}</td><td style="${S.tdNum}">${formatCount(row.calls)}</td><td style="${S.tdNum}">${formatTokens(row.tokens)}</td><td style="${S.tdNum}">${row.costUsd === null ? 'no price' : formatUsd(row.costUsd)}</td></tr>`)
    .join('\n');
  const agents = byAgent
    .map((row) => `<tr><td style="${S.td}">${escapeHtml(truncate(row.agent, 60))}</td><td style="${S.tdNum}">${formatCount(row.runs)}</td><td style="${S.tdNum}">${formatUsd(row.costUsd)}${row.partial ? ' (partial)' : ''}</td></tr>`)
    .join('\n');
  return `<h2 style="${S.h2}">Cost</h2>
<p style="${S.p}"><span style="font-weight:700">${formatUsd(totalUsd)}</span> spent on model calls (previous period ${formatUsd(previousTotalUsd)})${unpricedCalls > 0 ? `; ${formatCount(unpricedCalls)} calls to models without a price are not included` : ''}.</p>
${models === '' ? '' : `<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}"><tr><th style="${S.th}">Model</th><th style="${S.thNum}">Calls</th><th style="${S.thNum}">Tokens</th><th style="${S.thNum}">Cost</th></tr>\n${models}\n</table>`}
${agents === '' ? '' : `<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table};margin-top:10px"><tr><th style="${S.th}">Agent</th><th style="${S.thNum}">Runs</th><th style="${S.thNum}">Cost</th></tr>\n${agents}\n</table>`}`;
}

function versions(report: Report): string {
  if (report.versions === undefined || report.versions.items.length === 0) return '';
  const { items, changes, minRuns, minPoints } = report.versions;
  const said =
    changes.length === 0
      ? `<p style="${S.p}">No release's flag rate differs materially from the release before it (at least ${minRuns} runs each, ${minPoints} points apart, p &lt; 0.01).</p>`
      : changes
          .map(
            (change) =>
              `<p style="${S.p}"><span style="font-weight:700;color:${change.direction === 'worse' ? '#c62828' : '#2e7d32'}">${escapeHtml(truncate(change.service, 60))} ${escapeHtml(truncate(change.to.version, 60))}</span> is flagged ${change.direction === 'worse' ? 'more' : 'less'} often than ${escapeHtml(truncate(change.from.version, 60))}: ${formatPercent(change.to.flagRate)} of ${formatCount(change.to.runs)} runs (${formatCount(change.to.flaggedRuns)} flagged) against ${formatPercent(change.from.flagRate)} of ${formatCount(change.from.runs)} (${formatCount(change.from.flaggedRuns)}), ${change.differencePoints > 0 ? '+' : '−'}${Math.abs(change.differencePoints).toFixed(1)} pp. <a href="${attr(change.to.link)}" style="${S.a}">Its runs</a></p>`,
          )
          .join('\n');
  const rows = items
    .slice(0, 15)
    .map(
      (item) =>
        `<tr><td style="${S.td}">${escapeHtml(truncate(item.service, 40))}</td><td style="${S.td}"><a href="${attr(item.link)}" style="${S.a}">${escapeHtml(truncate(item.version, 40))}</a></td><td style="${S.td}">${formatTime(item.firstSeen)}</td><td style="${S.tdNum}">${formatCount(item.runs)}</td><td style="${S.tdNum}">${formatCount(item.flaggedRuns)} (${formatPercent(item.flagRate)})</td><td style="${S.tdNum}">${formatCount(item.failedRuns)} (${formatPercent(item.failureRate)})</td></tr>`,
    )
    .join('\n');
  return `<h2 style="${S.h2}">Failure rate by release</h2>
${said}
<table role="presentation" cellpadding="0" cellspacing="0" style="${S.table}"><tr><th style="${S.th}">Service</th><th style="${S.th}">Release</th><th style="${S.th}">First run</th><th style="${S.thNum}">Runs</th><th style="${S.thNum}">Flagged</th><th style="${S.thNum}">Failed</th></tr>
${rows}${moreRow(items.length, 6)}
</table>`;
}

function severityBadge(severity: string): string {
  const color = SEVERITY_COLORS[severity] ?? '#6b7785';
  return `<span style="display:inline-block;border:1px solid ${color};color:${color};font-size:10px;font-weight:700;padding:0 4px;border-radius:3px;text-transform:uppercase">${escapeHtml(severity)}</span>`;
}

function code(text: string): string {
  return `<span style="${S.code}">${escapeHtml(truncate(text, 60))}</span>`;
}

function attr(url: string): string {
  return escapeHtml(url);
}

function moreRow(total: number, columns: number): string {
  return total > MAX_ROWS
    ? `<tr><td colspan="${columns}" style="${S.td};${S.muted}">… and ${total - MAX_ROWS} more in the JSON report</td></tr>`
    : '';
}
