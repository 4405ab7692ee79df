import { z } from 'zod';
import { duration } from '../config/duration.js';

/**
 * The collector's own configuration section (`collector:` in otel-config.yaml), owned here as
 * Collector components own their `config.go`; config/schema.ts only composes the sections.
 */

/** OTLP/gRPC's registered port (OTLP.md §1.4). */
export const DEFAULT_GRPC_PORT = 4317;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = () => z.coerce.number().int().positive();

export const collectorSchema = z
  .object({
    path: z.string().startsWith('/').default('/v1/traces').describe('OTLP/HTTP traces path. Default /v1/traces.'),
    maxBodyBytes: positiveInt()
      .default(64 * 1024 * 1024)
      .describe('Largest request body, in bytes, both as sent and after decompression. Default 67108864 (64 MiB).'),
    maxQueuedSpans: positiveInt()
      .default(50_000)
      .describe('Spans decoded but not yet committed; past this, requests get 503 with Retry-After. Default 50000.'),
    retryAfterSeconds: positiveInt()
      .default(2)
      .describe('Shortest Retry-After sent with 429/503, in seconds; each refusal picks at random up to twice this, so refused senders spread out. Default 2.'),
    queueWaitMs: z.coerce
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Milliseconds a request may wait for room in a full ingest queue before it is refused with 503; 0 refuses at once. Default 1000.'),
    maxInflightBytes: positiveInt()
      .default(128 * 1024 * 1024)
      .describe(
        'Request bytes (as received plus decompressed) held at once by all requests being read and decoded; past this, 503 with Retry-After (a lone request up to maxBodyBytes is always taken). Default 134217728 (128 MiB).',
      ),
    maxInflightBytesPerClient: positiveInt()
      .default(64 * 1024 * 1024)
      .describe(
        'Request bytes (as received plus decompressed) one client address may hold at once across its requests; past this, 429 with Retry-After (a client\'s lone request is always taken). Default 67108864 (64 MiB).',
      ),
    maxConcurrentInflations: positiveInt()
      .default(2)
      .describe('Compressed request bodies inflated at once; the others wait their turn. Default 2.'),
    bodyReadTimeout: duration()
      .prefault('30s')
      .describe('Time a request body may take to arrive in full; past it, 408 and the connection is closed. Default 30s.'),
    maxAttributeCount: positiveInt().default(1024).describe('Attributes kept per span; a span with more is rejected. Default 1024.'),
    maxAttributeValueBytes: positiveInt()
      .default(1024 * 1024)
      .describe('Longest string attribute value, in bytes; a span with a longer one is rejected. Default 1048576.'),
    maxNestingDepth: positiveInt().default(32).describe('Deepest nesting of array/kvlist attribute values. Default 32.'),
    maxEventsPerSpan: positiveInt()
      .default(1024)
      .describe('Events kept per span; later ones are dropped unread and counted in the span attribute tracehound.dropped_events_count (with the sender\'s own count). Default 1024.'),
    maxLinksPerSpan: positiveInt()
      .default(128)
      .describe('Links kept per span; later ones are dropped unread and counted in tracehound.dropped_links_count. Default 128.'),
    logsPath: z.string().startsWith('/').default('/v1/logs').describe('OTLP/HTTP logs path. Default /v1/logs.'),
    grpc: z
      .object({
        enabled: z.boolean().default(true).describe('Serve OTLP/gRPC (TraceService and LogsService Export) on server.host. Default true.'),
        port: port.default(DEFAULT_GRPC_PORT).describe('TCP port for OTLP/gRPC. Default 4317; 0 picks a free port (logged). Left at 4317 while server.port is 0, it is 0 too.'),
      })
      .strict()
      .prefault({})
      .describe('OTLP/gRPC receiver: same limits, keys and storage as OTLP/HTTP.'),
  })
  .strict();


export type CollectorConfig = z.output<typeof collectorSchema>;

/**
 * The port the gRPC receiver binds: `collector.grpc.port`, except that the default 4317 follows
 * `server.port: 0` to any free port, so that every service started for tests (HTTP on port 0)
 * also takes a free gRPC port instead of colliding on 4317.
 */
export function grpcListenPort(config: { server: { port: number }; collector: Pick<CollectorConfig, 'grpc'> }): number {
  const { port } = config.collector.grpc;
  return port === DEFAULT_GRPC_PORT && config.server.port === 0 ? 0 : port;
}
