import type { DetectorId, Flag, Severity, Verdict } from '../../model/api.js';

/**
 * The one converter of a `flags` row to the API's Flag (every SQLite reader and writer of flags
 * uses it).
 */

export interface FlagRow {
  id: string;
  trace_id: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  span_ids: string;
  evidence: string;
  created_at_ms: number;
  review_verdict: Verdict | null;
  review_note: string | null;
  reviewed_at_ms: number | null;
}

export const FLAG_COLUMNS =
  'id, trace_id, detector, severity, summary, span_ids, evidence, created_at_ms, review_verdict, review_note, reviewed_at_ms';

/** A stored flag in the API's shape. */
export function toFlag(row: FlagRow): Flag {
  return {
    id: row.id,
    traceId: row.trace_id,
    spanIds: JSON.parse(row.span_ids) as string[],
    detector: row.detector,
    severity: row.severity,
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    createdAt: new Date(row.created_at_ms).toISOString(),
    review:
      row.review_verdict === null
        ? null
        : { verdict: row.review_verdict, note: row.review_note ?? '', at: new Date(row.reviewed_at_ms ?? 0).toISOString() },
  };
}
