import { z } from 'zod';
import { parseDurationMs } from '../model/time.js';

/**
 * The one schema of tracehound's configuration (otel-config.yaml). Every key has a default and
 * a `.describe()` that states its unit; unknown keys are errors, so a typo stops start-up
 * instead of being ignored. Sections are owned by the feature that reads them.
 *
 * Durations are written as strings with a unit (`500ms`, `5s`, `30m`, `24h`, `7d`) and parsed
 * to milliseconds.
 */

/** A duration string such as `5s` or `24h`, parsed to milliseconds. */
export const duration = () =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 500ms, 5s, 30m, 24h or 7d, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = () => z.coerce.number().int().positive();

export const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on. Default 127.0.0.1 (this machine only).'),
    port: port.default(4318).describe('TCP port for OTLP/HTTP, the API and the web view. Default 4318; 0 picks a free port.'),
    publicUrl: z
      .string()
      .default('')
      .describe('Base URL people reach the web view at, for links in reports and alerts. Default: http://HOST:PORT.'),
  })
  .strict();

export const collectorSchema = z
  .object({
    path: z.string().startsWith('/').default('/v1/traces').describe('OTLP/HTTP traces path. Default /v1/traces.'),
    maxBodyBytes: positiveInt()
      .default(64 * 1024 * 1024)
      .describe('Largest request body, in bytes, both as sent and after decompression. Default 67108864 (64 MiB).'),
    maxQueuedSpans: positiveInt()
      .default(50_000)
      .describe('Spans decoded but not yet committed; past this, requests get 503 with Retry-After. Default 50000.'),
    retryAfterSeconds: positiveInt().default(2).describe('Retry-After sent with 429/503, in seconds. Default 2.'),
    maxAttributeCount: positiveInt().default(1024).describe('Attributes kept per span; a span with more is rejected. Default 1024.'),
    maxAttributeValueBytes: positiveInt()
      .default(1024 * 1024)
      .describe('Longest string attribute value, in bytes; a span with a longer one is rejected. Default 1048576.'),
    maxNestingDepth: positiveInt().default(32).describe('Deepest nesting of array/kvlist attribute values. Default 32.'),
  })
  .strict();

export const storageSchema = z
  .object({
    path: z.string().min(1).default('./data/tracehound.db').describe('SQLite database file. Default ./data/tracehound.db.'),
    synchronous: z
      .enum(['full', 'normal'])
      .default('full')
      .describe('full: every acknowledged span survives power loss; normal: survives a process crash only. Default full.'),
    cacheSizeMb: positiveInt().default(64).describe('SQLite page cache, in MiB. Default 64.'),
    batchMaxSpans: positiveInt().default(4096).describe('Most spans committed in one transaction. Default 4096.'),
  })
  .strict();

export const analyzerSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Analyse complete traces in the background. Default true.'),
    idle: duration()
      .prefault('5s')
      .describe('A trace is complete when its root span has ended and no span arrived for this long. Default 5s.'),
  })
  .strict();

export const reportsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Make the nightly report inside `tracehound serve`. Default true.'),
    schedule: z.string().default('0 2 * * *').describe('Cron expression for the nightly report. Default "0 2 * * *" (02:00).'),
    timezone: z.string().default('UTC').describe('IANA time zone the schedule is read in. Default UTC.'),
    dir: z.string().default('./data/reports').describe('Folder every report is also written to. Default ./data/reports.'),
  })
  .strict();

export const authSchema = z
  .object({
    ingestKeys: z
      .array(z.string().min(16))
      .default([])
      .describe('API keys accepted on /v1/traces (Authorization: Bearer KEY). Empty: ingest is open. Default [].'),
    apiTokens: z
      .array(z.string().min(16))
      .default([])
      .describe('Tokens for the API and web view (Bearer header or login form). Empty: open. Default [].'),
    allowUnauthenticatedRemote: z
      .boolean()
      .default(false)
      .describe('Allow listening on a non-loopback address with no keys or tokens configured. Default false.'),
  })
  .strict();

export const redactionSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Redact secrets and personal data before anything is stored. Default true.'),
  })
  .strict();

export const retentionSchema = z
  .object({
    maxAgeDays: z.coerce.number().int().min(0).default(0).describe('Delete runs older than this many days; 0 keeps everything. Default 0.'),
    maxDatabaseMb: z.coerce.number().int().min(0).default(0).describe('Delete the oldest runs past this database size, in MiB; 0 is no cap. Default 0.'),
  })
  .strict();

export const loggingSchema = z
  .object({
    level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level of the structured (pino) logs on stdout. Default info.'),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    collector: collectorSchema.prefault({}),
    storage: storageSchema.prefault({}),
    analyzer: analyzerSchema.prefault({}),
    reports: reportsSchema.prefault({}),
    auth: authSchema.prefault({}),
    redaction: redactionSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .strict();

/** The configuration as read: every key present, durations in milliseconds. */
export type Config = z.output<typeof configSchema>;
/** The configuration as written in the file. */
export type ConfigInput = z.input<typeof configSchema>;
