/**
 * A `google.rpc.Status { int32 code = 1; string message = 2; }` body for OTLP failure
 * responses, in the request's encoding (OTLP/HTTP: "the body MUST be a protobuf-encoded
 * google.rpc.Status"; JSON requests get its JSON form).
 */
export const RPC_UNAUTHENTICATED = 16;

export function otlpStatusBody(requestContentType: string | undefined, code: number, message: string): { body: Uint8Array | string; contentType: string } {
  if ((requestContentType ?? '').toLowerCase().includes('json')) {
    return { body: JSON.stringify({ code, message }), contentType: 'application/json' };
  }
  const text = Buffer.from(message, 'utf8');
  const bytes = [0x08, ...varint(code), 0x12, ...varint(text.length)];
  return { body: Buffer.concat([Buffer.from(bytes), text]), contentType: 'application/x-protobuf' };
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}
