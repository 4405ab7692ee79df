import type { OtlpLogRecord, OtlpLogsRequest, OtlpResourceLogs, OtlpScopeLogs, OtlpScope, Attributes } from '../../model/otlp.js';
import type { DecodeLimits, SignalIssue } from './decode-error.js';
import { OtlpProtobufReader } from './protobuf-reader.js';

/** A decoded logs request plus the per-record problems the decoder noticed. */
export interface DecodedLogsRequest {
  request: OtlpLogsRequest;
  recordCount: number;
  /** Records that must be rejected for what the decoder saw (nesting too deep). */
  recordIssues: Map<OtlpLogRecord, SignalIssue>;
}

/**
 * Decodes a binary protobuf `ExportLogsServiceRequest` (opentelemetry-proto v1.11 logs.v1:
 * ResourceLogs{resource=1, scope_logs=2}, ScopeLogs{scope=1, log_records=2}, LogRecord{
 * time_unix_nano=1 fixed64, severity_number=2, severity_text=3, body=5, attributes=6,
 * dropped_attributes_count=7, flags=8 fixed32, trace_id=9, span_id=10,
 * observed_time_unix_nano=11 fixed64, event_name=12}). Values, resource, scope, unknown fields
 * and malformed input as in OtlpProtobufReader, shared with the trace decoder.
 */
export function decodeProtobufLogsRequest(body: Uint8Array, limits: DecodeLimits): DecodedLogsRequest {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const decoder = new ProtobufLogsDecoder(buf, limits.maxNestingDepth, limits.maxAttributeCount);
  const request = decoder.decodeRequest();
  return { request, recordCount: decoder.recordCount, recordIssues: decoder.issues };
}

class ProtobufLogsDecoder extends OtlpProtobufReader<OtlpLogRecord> {
  recordCount = 0;

  decodeRequest(): OtlpLogsRequest {
    const resourceLogs: OtlpResourceLogs[] = [];
    const end = this.buf.length;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) resourceLogs.push(this.resourceLogs(this.lengthEnd(end)));
      else this.skipField(tag, end, 'ExportLogsServiceRequest', 1, 2);
    }
    return { resourceLogs };
  }

  private resourceLogs(end: number): OtlpResourceLogs {
    let resource: Attributes = {};
    const scopeLogs: OtlpScopeLogs[] = [];
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) resource = this.resource(this.lengthEnd(end));
      else if (tag === 0x12) scopeLogs.push(this.scopeLogs(this.lengthEnd(end)));
      else this.skipField(tag, end, 'ResourceLogs', 1, 2, 2, 2, 3, 2);
    }
    this.pos = end;
    return { resource, scopeLogs };
  }

  private scopeLogs(end: number): OtlpScopeLogs {
    let scope: OtlpScope = { name: '', version: '' };
    const logRecords: OtlpLogRecord[] = [];
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x12) logRecords.push(this.logRecord(this.lengthEnd(end)));
      else if (tag === 0x0a) scope = this.scope(this.lengthEnd(end));
      else this.skipField(tag, end, 'ScopeLogs', 1, 2, 2, 2, 3, 2);
    }
    return { scope, logRecords };
  }

  private logRecord(end: number): OtlpLogRecord {
    this.recordCount++;
    const record: OtlpLogRecord = {
      timeUnixNano: 0n,
      observedTimeUnixNano: 0n,
      severityNumber: 0,
      severityText: '',
      body: null,
      attributes: {},
      traceId: '',
      spanId: '',
      eventName: '',
    };
    this.currentItem = record;
    let attributeCount = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      switch (tag) {
        case 0x09: // 1 time_unix_nano
          record.timeUnixNano = this.fixed64(end);
          break;
        case 0x10: // 2 severity_number
          record.severityNumber = this.varint32(end);
          break;
        case 0x1a: // 3 severity_text
          record.severityText = this.string(end);
          break;
        case 0x2a: // 5 body
          record.body = this.anyValue(this.lengthEnd(end), 0);
          break;
        case 0x32: // 6 attributes
          attributeCount = this.attribute(this.lengthEnd(end), record.attributes, attributeCount);
          break;
        case 0x4a: // 9 trace_id
          record.traceId = this.hex(end);
          break;
        case 0x52: // 10 span_id
          record.spanId = this.hex(end);
          break;
        case 0x59: // 11 observed_time_unix_nano
          record.observedTimeUnixNano = this.fixed64(end);
          break;
        case 0x62: // 12 event_name
          record.eventName = this.string(end);
          break;
        default:
          this.skipField(tag, end, 'LogRecord', 1, 1, 2, 0, 3, 2, 5, 2, 6, 2, 7, 0, 8, 5, 9, 2, 10, 2, 11, 1, 12, 2);
      }
    }
    this.currentItem = null;
    return record;
  }
}
