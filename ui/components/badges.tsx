import type { RunFlagBadge } from '../../model/api.js';
import { detectorLabel } from '../format.js';

/** A coloured badge per detector; the severity shows as a dot and in the tooltip. */
export function FlagBadge(props: { detector: string; severity: string; count?: number }) {
  return (
    <span class={`badge det-${cssToken(props.detector)} sev-${cssToken(props.severity)}`} title={`${detectorLabel(props.detector)} · ${props.severity}`}>
      <i class="dot" aria-hidden="true"></i>
      {detectorLabel(props.detector)}
      {props.count !== undefined && props.count > 1 ? <b class="count">×{props.count}</b> : null}
    </span>
  );
}

/** The flags of a run as badges, one per detector (the worst severity, with a count). */
export function FlagBadges(props: { flags: RunFlagBadge[] }) {
  const byDetector = new Map<string, { severity: string; count: number }>();
  for (const flag of props.flags) {
    const seen = byDetector.get(flag.detector);
    if (seen === undefined) byDetector.set(flag.detector, { severity: flag.severity, count: 1 });
    else {
      seen.count += 1;
      if (severityRank(flag.severity) > severityRank(seen.severity)) seen.severity = flag.severity;
    }
  }
  return (
    <span class="badges">
      {[...byDetector.entries()].map(([detector, { severity, count }]) => (
        <FlagBadge detector={detector} severity={severity} count={count} />
      ))}
    </span>
  );
}

export function SeverityTag(props: { severity: string }) {
  return <span class={`sev sev-${cssToken(props.severity)}`}>{props.severity}</span>;
}

export function StatusTag(props: { status: string }) {
  const label = props.status === 'error' ? 'error' : props.status === 'ok' ? 'ok' : 'unset';
  return <span class={`status status-${label}`}>{label}</span>;
}

export function ReviewTag(props: { verdict: string | null }) {
  if (props.verdict === null) return <span class="review review-open">to review</span>;
  return <span class={`review review-${cssToken(props.verdict)}`}>{props.verdict === 'false_positive' ? 'false positive' : props.verdict}</span>;
}

/** The kind of a span as a short label (LLM, TOOL, AGENT, SPAN). */
export function KindTag(props: { kind: string }) {
  const label = props.kind === 'llm' ? 'LLM' : props.kind === 'tool' ? 'TOOL' : props.kind === 'agent' ? 'AGENT' : 'SPAN';
  return <span class={`kind kind-${cssToken(props.kind)}`}>{label}</span>;
}

export function severityRank(severity: string): number {
  return severity === 'critical' ? 3 : severity === 'warning' ? 2 : severity === 'info' ? 1 : 0;
}

/** A class-name-safe token (class names are built from stored values). */
export function cssToken(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40);
}
