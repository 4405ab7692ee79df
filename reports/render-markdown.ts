import type { Report, Totals } from './build-report.js';
import { escapeMarkdown } from './escape.js';
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

/**
 * The report as GitHub-flavoured Markdown for a chat message or a pull request: short headline,
 * then tables. Every span-derived string is escaped (escapeMarkdown); links are built only from
 * the configured public URL, hex trace ids and percent-encoded names.
 */

/** Most rows shown per table; the JSON rendering has them all. */
const MAX_ROWS = 15;

export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  const { current, previous, baseline } = report.totals;
  lines.push(`# tracehound report: ${formatTime(report.period.since)} → ${formatTime(report.period.until)}`, '');
  lines.push(headline(report), '');
  lines.push(`[Open this report](${mdUrl(report.links.report)}) · [web view](${mdUrl(report.links.web)})`, '');

  lines.push('## Overview', '');
  lines.push('| | This period | Previous period | 7-day baseline (per period) |', '| --- | ---: | ---: | ---: |');
  const row = (label: string, pick: (totals: Totals) => string) =>
    lines.push(`| ${label} | ${pick(current)} | ${pick(previous)} | ${pick(baseline)} |`);
  row('Runs', (t) => formatCount(t.runs));
  row('Failed runs', (t) => formatCount(t.failedRuns));
  row('Failure rate', (t) => formatPercent(t.failureRate));
  row('… failed loudly (root error)', (t) => formatCount(t.errorRuns));
  row('… failed silently', (t) => formatCount(t.silentFailureRuns));
  row('Flags', (t) => formatCount(t.flags));
  row('Tokens (in + out)', (t) => formatTokens(t.inputTokens + t.outputTokens));
  lines.push('');

  lines.push('## Flags by detector and severity', '');
  if (report.flagsBySeverity.length === 0) lines.push('No flags in this period, the previous one or the baseline.', '');
  else {
    lines.push('| Detector | Severity | This period | vs previous | Baseline |', '| --- | --- | ---: | ---: | ---: |');
    for (const item of report.flagsBySeverity) {
      lines.push(
        `| [${detectorLabel(item.detector)}](${mdUrl(item.link)}) | ${item.severity} | ${item.current} | ${formatDelta(item.current, item.previous)} | ${formatCount(item.baseline)} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Recurring failures', '');
  if (report.signatures.length === 0) lines.push('No failure signatures in this period.', '');
  else {
    lines.push(
      'The same detector on the same agent, tool and pattern. **NEW** marks a signature never seen before this period.',
      '',
      '| | Failure | Agent | Tool | Count | Runs | First seen | Last seen | Example |',
      '| --- | --- | --- | --- | ---: | ---: | --- | --- | --- |',
    );
    for (const item of report.signatures.slice(0, MAX_ROWS)) {
      lines.push(
        `| ${item.isNew ? '**NEW**' : ''} | ${item.severity === 'critical' ? '🔴' : item.severity === 'warning' ? '🟠' : '⚪'} ${detectorLabel(item.detector)}: ${escapeMarkdown(item.exampleSummary, 140)} | ${name(item.agent)} | ${name(item.tool)} | ${item.count} | ${item.runs} | ${formatTime(item.firstSeen)} | ${formatTime(item.lastSeen)} | [run](${mdUrl(item.link)}) |`,
      );
    }
    more(lines, report.signatures.length, 9);
  }

  lines.push('## Worst agents', '');
  if (report.worstAgents.length === 0) lines.push('No agent had a failed or flagged run.', '');
  else {
    lines.push('| Agent | Service | Runs | Failed | Failure rate | Flags (critical) | Tokens |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const item of report.worstAgents) {
      lines.push(
        `| [${name(item.agent)}](${mdUrl(item.link)}) | ${escapeMarkdown(item.service, 80)} | ${item.runs} | ${item.failedRuns} | ${formatPercent(item.failureRate)} | ${item.flags} (${item.criticalFlags}) | ${formatTokens(item.tokens)} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Worst tools', '');
  if (report.worstTools.length === 0) lines.push('No tool had an error or a flag.', '');
  else {
    lines.push('| Tool | Calls | Errors | Error rate | Flags |', '| --- | ---: | ---: | ---: | ---: |');
    for (const item of report.worstTools) {
      lines.push(`| [${name(item.tool)}](${mdUrl(item.link)}) | ${item.calls} | ${item.errors} | ${formatPercent(item.errorRate)} | ${item.flags} |`);
    }
    lines.push('');
  }

  lines.push('## Latency by operation', '');
  if (report.latency.length === 0) lines.push('No spans in this period.', '');
  else {
    lines.push(
      report.regressions.length === 0
        ? 'No latency regressions against the 7-day baseline.'
        : `**${report.regressions.length} regression${report.regressions.length === 1 ? '' : 's'}** (p95 against the 7-day baseline):`,
      '',
      '| Operation | Spans | p50 | p95 | p99 | Baseline p95 | Change |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const item of report.latency.slice(0, MAX_ROWS)) {
      const change = (item.p95Ratio === null ? 'no baseline' : `${item.p95Ratio.toFixed(2)}×`) + (item.notJudged === null ? '' : ` (not judged: ${escapeMarkdown(item.notJudged, 100)})`);
      lines.push(
        `| ${item.regression ? '⚠️ ' : ''}[${escapeMarkdown(item.operation, 80)}](${mdUrl(item.link)}) | ${item.count} | ${formatDurationMs(item.p50Ms)} | ${formatDurationMs(item.p95Ms)} | ${formatDurationMs(item.p99Ms)} | ${item.baseline ? formatDurationMs(item.baseline.p95Ms) : '–'} | ${item.regression ? `**${change}**` : change} |`,
      );
    }
    more(lines, report.latency.length, 7);
  }

  lines.push('## What loops and silent failures cost', '');
  const { loops, silentFailures } = report.burn;
  lines.push(
    `- **Tool loops:** ${loops.runs} run${loops.runs === 1 ? '' : 's'}, ${formatTokens(loops.tokens)} tokens, ${formatDurationMs(loops.durationMs)}`,
    `- **Silent failures:** ${silentFailures.runs} run${silentFailures.runs === 1 ? '' : 's'}, ${formatTokens(silentFailures.tokens)} tokens, ${formatDurationMs(silentFailures.durationMs)} (whole runs)`,
    '',
  );
  const costNote = (group: typeof loops) => `${formatUsd(group.costUsd)}${group.costPartial ? ' (some models have no price)' : ''}`;
  lines.splice(
    lines.length - 1,
    0,
    `- **Money burned:** ${costNote(loops)} in runs with tool loops, ${costNote(silentFailures)} in runs that failed silently (whole runs, at the configured prices)`,
  );
  const costliest = [...loops.top.map((item) => ({ ...item, kind: 'loop' })), ...silentFailures.top.map((item) => ({ ...item, kind: 'silent failure' }))]
    .sort((a, b) => b.tokens - a.tokens)
    .slice(0, 5);
  if (costliest.length > 0) {
    lines.push('| Run | Kind | Agent | Tokens | Time |', '| --- | --- | --- | ---: | ---: |');
    for (const item of costliest) {
      lines.push(`| [${item.traceId.slice(0, 12)}…](${mdUrl(item.link)}) | ${item.kind} | ${name(item.agent)} | ${formatTokens(item.tokens)} | ${formatDurationMs(item.durationMs)} |`);
    }
    lines.push('');
  }

  if (report.cost !== undefined) {
    const cost = report.cost;
    lines.push('## Cost', '');
    lines.push(
      `**${formatUsd(cost.totalUsd)}** spent on model calls (previous period ${formatUsd(cost.previousTotalUsd)})${cost.unpricedCalls > 0 ? `; ${formatCount(cost.unpricedCalls)} calls to models without a price are not included` : ''}.`,
      '',
    );
    if (cost.byModel.length > 0) {
      lines.push('| Model | Calls | Tokens | Cost |', '| --- | ---: | ---: | ---: |');
      for (const row of cost.byModel) lines.push(`| ${name(row.model === '' ? '(unnamed)' : row.model)} | ${formatCount(row.calls)} | ${formatTokens(row.tokens)} | ${row.costUsd === null ? 'no price' : formatUsd(row.costUsd)} |`);
      lines.push('');
    }
    if (cost.byAgent.length > 0) {
      lines.push('| Agent | Runs | Cost |', '| --- | ---: | ---: |');
      for (const row of cost.byAgent) lines.push(`| ${name(row.agent)} | ${formatCount(row.runs)} | ${formatUsd(row.costUsd)}${row.partial ? ' (partial)' : ''} |`);
      lines.push('');
    }
  }

  if (report.versions !== undefined && report.versions.items.length > 0) {
    const { items, changes, minRuns, minPoints } = report.versions;
    lines.push('## Failure rate by release', '');
    if (changes.length === 0) {
      lines.push(`No release's flag rate differs materially from the release before it (at least ${minRuns} runs each, ${minPoints} points apart, p < 0.01).`, '');
    } else {
      for (const change of changes) {
        lines.push(
          `- **${name(change.service)} ${name(change.to.version)}** is flagged ${change.direction === 'worse' ? 'more' : 'less'} often than ${name(change.from.version)}: ${formatPercent(change.to.flagRate)} of ${formatCount(change.to.runs)} runs (${formatCount(change.to.flaggedRuns)} flagged) against ${formatPercent(change.from.flagRate)} of ${formatCount(change.from.runs)} (${formatCount(change.from.flaggedRuns)}), ${change.differencePoints > 0 ? '+' : '−'}${Math.abs(change.differencePoints).toFixed(1)} pp. [Runs of ${name(change.to.version)}](${mdUrl(change.to.link)})`,
        );
      }
      lines.push('');
    }
    lines.push('| Service | Release | First run | Runs | Flagged | Failed |', '| --- | --- | --- | ---: | ---: | ---: |');
    for (const item of items.slice(0, MAX_ROWS)) {
      lines.push(`| ${name(item.service)} | [${name(item.version)}](${mdUrl(item.link)}) | ${formatTime(item.firstSeen)} | ${formatCount(item.runs)} | ${formatCount(item.flaggedRuns)} (${formatPercent(item.flagRate)}) | ${formatCount(item.failedRuns)} (${formatPercent(item.failureRate)}) |`);
    }
    more(lines, items.length, 6);
    lines.push('');
  }

  lines.push('---', `Report ${escapeMarkdown(report.id)} · generated ${formatTime(report.generatedAt)} by tracehound · previous period ${formatTime(report.previousPeriod.since)} → ${formatTime(report.previousPeriod.until)} · baseline ${formatTime(report.baseline.since)} → ${formatTime(report.baseline.until)}`, '');
  return lines.join('\n');
}

/** The one-line summary, also used as the Slack text. */
export function headline(report: Report): string {
  const { current, previous } = report.totals;
  const summary = report.summary;
  const parts = [
    `**${formatCount(current.runs)} runs**`,
    `**${formatCount(current.failedRuns)} failed** (${formatPercent(current.failureRate)}, ${formatRateDelta(current.failureRate, previous.failureRate)} vs previous)`,
    `${formatCount(summary.flags)} flags (${summary.criticalFlags} critical)`,
    `${summary.newSignatures} new failure signature${summary.newSignatures === 1 ? '' : 's'}`,
    `${summary.latencyRegressions} latency regression${summary.latencyRegressions === 1 ? '' : 's'}`,
  ];
  return parts.join(' · ');
}

/** A span-derived name (agent, tool): escaped like any other text, never inside a code span (no escaping works there). */
function name(value: string | null): string {
  return value === null ? '–' : escapeMarkdown(value, 80);
}

/** A URL safe inside a Markdown link destination: no spaces, parentheses or angle brackets. */
export function mdUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function more(lines: string[], total: number, columns: number): void {
  if (total > MAX_ROWS) lines.push(`| … ${total - MAX_ROWS} more in the JSON report |${' |'.repeat(columns - 1)}`);
  lines.push('');
}
