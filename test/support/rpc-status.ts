import { BinaryReader } from '@bufbuild/protobuf/wire';

/**
 * Reads a protobuf `google.rpc.Status { int32 code = 1; string message = 2; … }` — the body of
 * every OTLP/HTTP error answer to a protobuf request — independently of our own encoder.
 */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const reader = new BinaryReader(bytes);
  const status = { code: 0, message: '' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) status.code = reader.int32();
    else if (field === 2) status.message = reader.string();
    else reader.skip(wireType);
  }
  return status;
}
