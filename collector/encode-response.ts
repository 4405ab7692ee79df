/**
 * OTLP response bodies (OTLP.md §1.2), in the request's encoding (gRPC uses the protobuf form).
 *
 * - success: an empty ExportTraceServiceResponse — 0 bytes in protobuf, `{}` in JSON.
 * - partial success: `partial_success { rejected_spans = 1 (int64), error_message = 2 }`;
 *   JSON `{"partialSuccess":{"rejectedSpans":"3","errorMessage":"…"}}` (int64 as a string).
 * - failure (4xx/5xx): a `google.rpc.Status { code = 1 (int32), message = 2 }`, protobuf for
 *   protobuf requests and JSON for JSON requests.
 */

export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** Longest partial-success message we send; the spec asks to keep responses small. */
const MAX_ERROR_MESSAGE_CHARS = 4096;

/** JSON name of the partial success's rejected count (field 1 in both messages). */
const REJECTED_KEYS = { traces: 'rejectedSpans', logs: 'rejectedLogRecords' } as const;

/**
 * An Export{Trace,Logs}ServiceResponse. Both messages have the same wire layout
 * (`partial_success = 1 { rejected_* = 1 (int64), error_message = 2 }`); only the JSON name of
 * the count differs (`rejectedSpans` / `rejectedLogRecords`).
 */
export function encodeExportResponse(
  encoding: OtlpEncoding,
  rejectedSpans = 0,
  errorMessage = '',
  signal: 'traces' | 'logs' = 'traces',
): Uint8Array<ArrayBuffer> | string {
  const message = errorMessage.length > MAX_ERROR_MESSAGE_CHARS ? `${errorMessage.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : errorMessage;
  if (encoding === 'json') {
    if (rejectedSpans === 0 && message === '') return '{}';
    return JSON.stringify({ partialSuccess: { [REJECTED_KEYS[signal]]: String(rejectedSpans), errorMessage: message } });
  }
  if (rejectedSpans === 0 && message === '') return new Uint8Array(0);
  const inner: number[] = [];
  if (rejectedSpans > 0) inner.push(0x08, ...varint(rejectedSpans));
  if (message !== '') inner.push(0x12, ...lengthDelimited(message));
  return Uint8Array.from([0x0a, ...varint(inner.length), ...inner]);
}

export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array<ArrayBuffer> | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return Uint8Array.from([0x08, ...varint(code), 0x12, ...lengthDelimited(message)]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function lengthDelimited(text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  return [...varint(bytes.length), ...bytes];
}
