import type { AttributeValue, OtlpLogRecord, OtlpResourceLogs, OtlpScopeLogs } from '../../model/otlp.js';
import type { DecodeLimits } from './decode-error.js';
import type { DecodedLogsRequest } from './logs-protobuf-decoder.js';
import {
  JsonValueDecoder,
  asArray,
  asEnum,
  asHexId,
  asObject,
  asString,
  asUint64,
  decodingFields,
  field,
  parseOtlpJson,
  prefixPath,
  within,
} from './json-values.js';

/** SeverityNumber names (logs.proto), tolerated like the span enums. */
const SEVERITY_NAMES: Record<string, number> = Object.fromEntries(
  ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2', 'FATAL3', 'FATAL4'].map(
    (name, index) => [`SEVERITY_NUMBER_${name}`, index],
  ),
);

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest` into the same shape as the protobuf logs
 * decoder, with the trace decoder's JSON rules (json-values.ts): hex ids, exact int64, enum
 * numbers or names, camelCase or snake_case keys, unknown keys ignored, wrong types refused
 * with the field named (e.g. `resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano: …`).
 */
export function decodeJsonLogsRequest(text: string, limits: DecodeLimits): DecodedLogsRequest {
  const root = parseOtlpJson(text);
  const decoder = new JsonLogsDecoder(limits.maxNestingDepth, limits.maxAttributeCount);
  const resourceLogs = decodingFields(() => decoder.request(root));
  return { request: { resourceLogs }, recordCount: decoder.recordCount, recordIssues: decoder.issues };
}

class JsonLogsDecoder extends JsonValueDecoder<OtlpLogRecord> {
  recordCount = 0;

  request(root: unknown): OtlpResourceLogs[] {
    const object = asObject(root, '');
    const list = asArray(field(object, 'resourceLogs', 'resource_logs'), 'resourceLogs');
    const out: OtlpResourceLogs[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = within(`.resourceLogs[${i}]`, () => this.resourceLogs(list[i]));
    return out;
  }

  private resourceLogs(value: unknown): OtlpResourceLogs {
    const object = asObject(value, '');
    const resource = this.resource(field(object, 'resource', 'resource'));
    const list = asArray(field(object, 'scopeLogs', 'scope_logs'), 'scopeLogs');
    const scopeLogs: OtlpScopeLogs[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) scopeLogs[i] = within(`.scopeLogs[${i}]`, () => this.scopeLogs(list[i]));
    return { resource, scopeLogs };
  }

  private scopeLogs(value: unknown): OtlpScopeLogs {
    const object = asObject(value, '');
    const scope = this.scope(field(object, 'scope', 'scope'));
    const list = asArray(field(object, 'logRecords', 'log_records'), 'logRecords');
    const logRecords: OtlpLogRecord[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      try {
        logRecords[i] = this.logRecord(list[i]);
      } catch (error) {
        throw prefixPath(error, `.logRecords[${i}]`);
      }
    }
    return { scope, logRecords };
  }

  private logRecord(value: unknown): OtlpLogRecord {
    this.recordCount++;
    const o = asObject(value, '');
    const record: OtlpLogRecord = {
      timeUnixNano: asUint64(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      observedTimeUnixNano: asUint64(field(o, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
      severityNumber: asEnum(field(o, 'severityNumber', 'severity_number'), 'severityNumber', SEVERITY_NAMES, 24),
      severityText: asString(field(o, 'severityText', 'severity_text'), 'severityText'),
      body: null,
      attributes: {},
      traceId: asHexId(field(o, 'traceId', 'trace_id'), 'traceId'),
      spanId: asHexId(field(o, 'spanId', 'span_id'), 'spanId'),
      eventName: asString(field(o, 'eventName', 'event_name'), 'eventName'),
    };
    this.currentItem = record;
    record.attributes = this.attributes(field(o, 'attributes', 'attributes'), 0);
    const body = field(o, 'body', 'body');
    if (body !== undefined) record.body = within('.body', (): AttributeValue => this.anyValue(body, 0));
    this.currentItem = null;
    return record;
  }
}
