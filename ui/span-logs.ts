import type { ApiSpanLogRecord } from '../model/api.js';
import type { Attributes, AttributeValue } from '../model/otlp.js';
import type { LogStore, SpanLogRecord } from '../store/api.js';
import { nanosToIso } from '../model/time.js';

/** Log records per span in `GET /api/runs/:traceId/spans/:spanId`. */
export const MAX_API_SPAN_LOGS = 100;
/** Log records per span in the web view's span panel (the JSON API has more). */
export const MAX_PANEL_SPAN_LOGS = 20;
/** Longest body shown, characters. */
export const MAX_LOG_BODY_CHARS = 4000;
/** Longest attribute value shown, characters (non-string values measured as JSON). */
export const MAX_LOG_VALUE_CHARS = 1000;
/** Attributes shown per record. */
export const MAX_LOG_ATTRIBUTES = 32;

export interface SpanLogs {
  logs: ApiSpanLogRecord[];
  /** Records of the span beyond `logs`. */
  moreLogs: number;
}

/**
 * The log records of one span (other than GenAI content events), at most `limit`, each cut to a
 * bounded size (so a page or response stays small however large the stored records are), and how
 * many more there are. A backend without log records (`logs` absent) has none.
 */
export async function readSpanLogs(logs: Pick<LogStore, 'listSpanLogs'> | undefined, traceId: string, spanId: string, limit: number): Promise<SpanLogs> {
  if (logs === undefined) return { logs: [], moreLogs: 0 };
  const { records, total } = await logs.listSpanLogs(traceId, spanId, limit);
  return { logs: records.map(toApiSpanLogRecord), moreLogs: Math.max(0, total - records.length) };
}

/** A stored record as the API shows it: bounded body and attributes, severity named. */
export function toApiSpanLogRecord(record: SpanLogRecord): ApiSpanLogRecord {
  let truncated = false;
  const cut = (text: string, max: number): string => {
    if (text.length <= max) return text;
    truncated = true;
    return `${text.slice(0, max)}…`;
  };
  const body = record.body === null ? '' : cut(typeof record.body === 'string' ? record.body : JSON.stringify(record.body), MAX_LOG_BODY_CHARS);
  const entries = Object.entries(record.attributes);
  if (entries.length > MAX_LOG_ATTRIBUTES) truncated = true;
  const attributes: Attributes = {};
  for (const [key, value] of entries.slice(0, MAX_LOG_ATTRIBUTES)) attributes[cut(key, MAX_LOG_VALUE_CHARS)] = boundedValue(value, cut);
  return {
    time: nanosToIso(BigInt(record.timeNs)),
    severity: record.severityText !== '' ? cut(record.severityText, 40) : severityName(record.severityNumber),
    severityNumber: record.severityNumber,
    eventName: cut(record.eventName, 200),
    body,
    attributes,
    truncated,
  };
}

/** A string cut to the limit; an array or map whose JSON is longer becomes that JSON, cut. */
function boundedValue(value: AttributeValue, cut: (text: string, max: number) => string): AttributeValue {
  if (typeof value === 'string') return cut(value, MAX_LOG_VALUE_CHARS);
  if (value === null || typeof value !== 'object') return value;
  const json = JSON.stringify(value);
  return json.length <= MAX_LOG_VALUE_CHARS ? value : cut(json, MAX_LOG_VALUE_CHARS);
}

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** OTLP SeverityNumber → its short name (1 TRACE … 9 INFO, 10 INFO2 … 24 FATAL4); '' when unset or unknown. */
export function severityName(severityNumber: number): string {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return '';
  const step = (severityNumber - 1) % 4;
  return `${SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)]}${step === 0 ? '' : step + 1}`;
}
