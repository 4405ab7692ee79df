import { Metadata, Server, ServerCredentials, status as GrpcStatus, type ServerReadableStream, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import type { Metrics } from '../../ops/metrics.js';
import type { Logger } from '../../ops/logger.js';
import { encodeExportResponse } from '../encode-response.js';
import type { OtlpExport, OtlpSignal } from '../export/otlp-export.js';
import type { ExportFailure } from '../export/export-failure.js';
import { encodeRetryInfoStatus } from './rpc-status-details.js';

/** The HTTP/2 paths of the two OTLP/gRPC services (opentelemetry-proto collector/*). */
export const OTLP_GRPC_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface OtlpGrpcServerOptions {
  core: OtlpExport;
  host: string;
  /** 0: any free port (the chosen one is in `OtlpGrpcServer.port`). */
  port: number;
  /** collector.maxBodyBytes: largest message, as sent and after decompression (RESOURCE_EXHAUSTED past it). */
  maxBodyBytes: number;
  /** Checks an ingest key; null when no keys are configured (ingest is open). */
  isIngestKey: ((candidate: string | undefined) => boolean) | null;
  metrics: Metrics;
  logger?: Logger;
}

export interface OtlpGrpcServer {
  port: number;
  /** Graceful stop: no new calls; calls in progress finish (forced after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

const identity = (bytes: Buffer) => bytes;

/**
 * OTLP/gRPC (OTLP.md §1.4), a thin adapter over the ingest core: TraceService/Export and
 * LogsService/Export, with messages kept as raw bytes (identity deserializer) and decoded by
 * our own protobuf decoder inside the core, so decoding errors are ours to report.
 *
 * Statuses:
 * - OK with an Export*ServiceResponse (partial_success when items were rejected);
 * - INVALID_ARGUMENT for an undecodable message, no message (a truncated stream) or more than one;
 * - UNAUTHENTICATED without a valid ingest key (`authorization: Bearer KEY` or `x-api-key`);
 * - UNAVAILABLE with RetryInfo when the queue is full, shutting down or storage failed, and
 *   RESOURCE_EXHAUSTED with RetryInfo when this client holds too many bytes at once;
 * - from grpc-js itself, before our code runs: RESOURCE_EXHAUSTED for a message over
 *   maxBodyBytes (as sent or inflated, no RetryInfo: not retryable), UNIMPLEMENTED for an
 *   unsupported grpc-encoding, INTERNAL for corrupt compressed data.
 * Nothing of a refused request is stored.
 */
export async function startOtlpGrpcServer(options: OtlpGrpcServerOptions): Promise<OtlpGrpcServer> {
  const { core, metrics, logger } = options;
  const server = new Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });

  const refuse = (callback: sendUnaryData<Buffer>, failure: Pick<ExportFailure, 'code' | 'reason' | 'message' | 'retryAfterSeconds'>) => {
    metrics.requestsRejected.inc({ reason: failure.reason });
    const metadata = new Metadata();
    if (failure.retryAfterSeconds !== null) {
      metadata.set('grpc-status-details-bin', encodeRetryInfoStatus(failure.code, failure.message, failure.retryAfterSeconds));
    }
    callback({ code: failure.code, details: failure.message, metadata });
  };

  const handler = (signal: OtlpSignal) => (call: ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
    if (options.isIngestKey !== null && !options.isIngestKey(ingestKeyOf(call.metadata))) {
      refuse(callback, {
        code: GrpcStatus.UNAUTHENTICATED,
        reason: 'unauthenticated',
        message: 'missing or invalid ingest key: send metadata authorization: Bearer KEY (or x-api-key: KEY)',
        retryAfterSeconds: null,
      });
      return;
    }
    const messages: Buffer[] = [];
    let answered = false;
    const answer: sendUnaryData<Buffer> = (error, value) => {
      if (answered) return;
      answered = true;
      callback(error, value);
    };
    call.on('data', (message: Buffer) => {
      if (messages.length < 2) messages.push(message);
    });
    call.on('error', (error) => logger?.debug({ err: error }, 'OTLP/gRPC call failed while reading'));
    call.on('end', () => {
      if (messages.length !== 1) {
        refuse(answer, {
          code: GrpcStatus.INVALID_ARGUMENT,
          reason: messages.length === 0 ? 'no_message' : 'several_messages',
          message: messages.length === 0 ? 'no complete request message was received (truncated stream?)' : 'Export takes exactly one request message',
          retryAfterSeconds: null,
        });
        return;
      }
      void exportOne(signal, messages[0]!, peerAddress(call.getPeer()), answer);
    });
  };

  const exportOne = async (signal: OtlpSignal, body: Buffer, client: string, callback: sendUnaryData<Buffer>) => {
    try {
      const admission = await core.admit(client);
      if (!admission.ok) return refuse(callback, admission.failure);
      try {
        admission.lease.take(body.length);
        const result = await core.export({ signal, encoding: 'protobuf', body });
        if (!result.ok) return refuse(callback, result.failure);
        callback(null, Buffer.from(encodeExportResponse('protobuf', result.rejected, result.message, signal) as Uint8Array));
      } finally {
        admission.lease.release();
      }
    } catch (error) {
      refuse(callback, core.classify(error));
    }
  };

  for (const signal of ['traces', 'logs'] as const) {
    const definition: ServiceDefinition = {
      Export: {
        path: OTLP_GRPC_PATHS[signal],
        // A unary call on the wire; taken as a client stream so that a missing message is ours to answer.
        requestStream: true,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    server.addService(definition, { Export: handler(signal) });
  }

  const address = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    close(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}

/** `authorization: Bearer KEY`, else `x-api-key` / `x-tracehound-key` (the HTTP rules). */
function ingestKeyOf(metadata: Metadata): string | undefined {
  const authorization = metadata.get('authorization')[0];
  if (typeof authorization === 'string') {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  for (const name of ['x-api-key', 'x-tracehound-key']) {
    const value = metadata.get(name)[0];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** `ipv4:127.0.0.1:5000` / `ipv6:[::1]:5000` → the address (the per-client in-flight share). */
function peerAddress(peer: string): string {
  const withoutScheme = peer.replace(/^ipv[46]:/, '');
  const bracket = /^\[([^\]]+)\]/.exec(withoutScheme);
  if (bracket) return bracket[1]!;
  const colon = withoutScheme.lastIndexOf(':');
  return colon === -1 ? withoutScheme : withoutScheme.slice(0, colon);
}
