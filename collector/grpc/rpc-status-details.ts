/**
 * The `grpc-status-details-bin` trailer: a serialised `google.rpc.Status { int32 code = 1;
 * string message = 2; repeated google.protobuf.Any details = 3; }` whose one detail is a
 * `google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }` (Duration: `int64
 * seconds = 1`). OTLP/gRPC: "UNAVAILABLE … optionally with google.rpc.RetryInfo"; with it,
 * RESOURCE_EXHAUSTED becomes retryable (OTLP.md §1.4).
 */
export function encodeRetryInfoStatus(code: number, message: string, retryAfterSeconds: number): Buffer {
  const duration = field(1, varint(Math.max(0, Math.floor(retryAfterSeconds))), 0);
  const retryInfo = field(1, duration, 2);
  const any = Buffer.concat([field(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo'), 2), field(2, retryInfo, 2)]);
  return Buffer.concat([field(1, varint(code), 0), field(2, Buffer.from(message, 'utf8'), 2), field(3, any, 2)]);
}

function field(number: number, payload: Buffer, wireType: 0 | 2): Buffer {
  const tag = varint((number << 3) | wireType);
  return wireType === 0 ? Buffer.concat([tag, payload]) : Buffer.concat([tag, varint(payload.length), payload]);
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}
