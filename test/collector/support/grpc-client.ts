import { connect, constants as http2 } from 'node:http2';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { Client, Metadata, credentials, type ServiceError } from '@grpc/grpc-js';

/** What an OTLP/gRPC Export call ended with. */
export interface GrpcReply {
  /** gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** The response message bytes on OK. */
  response: Buffer | null;
  /** RetryInfo.retry_delay.seconds from grpc-status-details-bin, when sent. */
  retryDelaySeconds: number | null;
}

export const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

/**
 * Sends one Export message with the real grpc-js client, bytes as given (so tests control the
 * exact protobuf). `gzip` compresses the message (grpc-encoding: gzip).
 */
export async function grpcExport(
  port: number,
  path: string,
  body: Uint8Array,
  options: { metadata?: Record<string, string>; gzip?: boolean } = {},
): Promise<GrpcReply> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...(options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  try {
    return await new Promise<GrpcReply>((resolve) => {
      client.makeUnaryRequest(
        path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from(body),
        metadata,
        (error: ServiceError | null, response?: Buffer) => {
          if (error) resolve({ code: error.code, details: error.details, response: null, retryDelaySeconds: retryDelayOf(error.metadata) });
          else resolve({ code: 0, details: '', response: response ?? Buffer.alloc(0), retryDelaySeconds: null });
        },
      );
    });
  } finally {
    client.close();
  }
}

/** RetryInfo's delay from a google.rpc.Status in `grpc-status-details-bin`, decoded by hand. */
function retryDelayOf(metadata: Metadata | undefined): number | null {
  const bytes = metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(bytes)) return null;
  const status = new BinaryReader(bytes);
  while (status.pos < status.len) {
    const [field] = status.tag();
    if (field !== 3) {
      status.skip(field === 1 ? 0 : 2);
      continue;
    }
    const any = new BinaryReader(status.bytes());
    let typeUrl = '';
    let value: Uint8Array | null = null;
    while (any.pos < any.len) {
      const [anyField] = any.tag();
      if (anyField === 1) typeUrl = any.string();
      else value = any.bytes();
    }
    if (typeUrl !== 'type.googleapis.com/google.rpc.RetryInfo' || value === null) continue;
    const retryInfo = new BinaryReader(value);
    retryInfo.tag();
    const duration = new BinaryReader(retryInfo.bytes());
    duration.tag();
    return Number(duration.int64());
  }
  return null;
}

/** One gRPC length-prefixed message frame: [compressed flag][uint32 length][bytes]. */
export function grpcFrame(message: Uint8Array, compressed = false, declaredLength = message.length): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed ? 1 : 0, 0);
  header.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([header, Buffer.from(message)]);
}

/**
 * A hand-built gRPC call over plain HTTP/2 (no gRPC library on the client side): headers as
 * given, `data` as the whole request stream, then end of stream. Resolves with grpc-status and
 * grpc-message from the trailers (or headers, for a trailers-only answer).
 */
export async function rawGrpcCall(port: number, path: string, data: Buffer, headers: Record<string, string> = {}): Promise<{ grpcStatus: number; grpcMessage: string }> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      session.on('error', reject);
      const stream = session.request({
        [http2.HTTP2_HEADER_METHOD]: 'POST',
        [http2.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...headers,
      });
      let grpcStatus: number | null = null;
      let grpcMessage = '';
      const take = (fields: Record<string, unknown>) => {
        if (fields['grpc-status'] !== undefined) grpcStatus = Number(fields['grpc-status']);
        if (typeof fields['grpc-message'] === 'string') grpcMessage = decodeURIComponent(fields['grpc-message']);
      };
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', () => {});
      stream.on('error', reject);
      stream.on('close', () => (grpcStatus === null ? reject(new Error('no grpc-status')) : resolve({ grpcStatus, grpcMessage })));
      stream.end(data);
    });
  } finally {
    session.close();
  }
}
