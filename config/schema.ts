import { z } from 'zod';
import { Cron } from 'croner';
import { duration } from './duration.js';
import { collectorSchema } from '../collector/collector-config.js';
import { DETECTOR_OPTIONS_SHAPE } from '../model/detectors/detector-descriptors.js';

export { collectorSchema, duration };

/**
 * The one schema of tracehound's configuration (otel-config.yaml). Every key has a default and
 * a `.describe()` that states its unit; unknown keys are errors, so a typo stops start-up
 * instead of being ignored. Sections are owned by the feature that reads them.
 *
 * Durations are written as strings with a unit (`500ms`, `5s`, `30m`, `24h`, `7d`) and parsed
 * to milliseconds.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = () => z.coerce.number().int().positive();

export const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on. Default 127.0.0.1 (this machine only).'),
    port: port.default(4318).describe('TCP port for OTLP/HTTP, the API and the web view. Default 4318; 0 picks a free port.'),
    allowedHosts: z
      .array(z.string().min(1))
      .default([])
      .describe('Host names (without port) accepted in the Host header besides loopback names and the publicUrl host, while listening on loopback (DNS-rebinding guard). Default [].'),
    publicUrl: z
      .string()
      .default('')
      .describe('Base URL people reach the web view at, for links in reports and alerts. Default: http://HOST:PORT.'),
  })
  .strict();

/** `storage.clickhouse`: the servers of a ClickHouse cluster (or one server) and how to log in. */
export const clickhouseSchema = z
  .object({
    urls: z
      .array(z.url({ protocol: /^https?$/ }))
      .default(['http://127.0.0.1:8123'])
      .describe('HTTP URLs of the ClickHouse servers; requests go to any that answers. Default [http://127.0.0.1:8123].'),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a plain name: letters, digits, underscores')
      .default('tracehound')
      .describe('Database for tracehound\'s tables (created when missing). Default tracehound.'),
    cluster: z
      .string()
      .regex(/^([A-Za-z_][A-Za-z0-9_]{0,63})?$/, 'a cluster name from the servers\' remote_servers, or empty')
      .default('')
      .describe('Cluster name in the servers\' remote_servers: replicated, sharded tables created ON CLUSTER. Empty for one server. Default empty.'),
    user: z.string().default('default').describe('ClickHouse user. Default default.'),
    password: z.string().default('').describe('ClickHouse password. Default empty.'),
  })
  .strict();

export const storageSchema = z
  .object({
    backend: z
      .enum(['sqlite', 'clickhouse'])
      .default('sqlite')
      .describe('sqlite: one file (storage.path); clickhouse: a ClickHouse server or cluster (storage.clickhouse). Default sqlite.'),
    clickhouse: clickhouseSchema.prefault({}),
    path: z.string().min(1).default('./data/tracehound.db').describe('SQLite database file. Default ./data/tracehound.db.'),
    synchronous: z
      .enum(['full', 'normal'])
      .default('full')
      .describe('full: every acknowledged span survives power loss; normal: survives a process crash only. Default full.'),
    minFreeBytes: z.coerce
      .number()
      .int()
      .min(0)
      .default(64 * 1024 * 1024)
      .describe('Free bytes on the database file system below which /healthz answers 503 (spans may soon fail to commit). Default 67108864 (64 MiB).'),
    cacheSizeMb: positiveInt().default(64).describe('SQLite page cache, in MiB. Default 64.'),
    batchMaxSpans: positiveInt().default(4096).describe('Most spans committed in one transaction. Default 4096.'),
    writerThread: z
      .boolean()
      .default(true)
      .describe(
        'Commit spans on a separate thread (ignored for :memory:): the event loop keeps reading and decoding requests during commits; only flat row values cross to the thread. Default true.',
      ),
  })
  .strict();

export const analyzerSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Analyse complete traces in the background. Default true.'),
    idle: duration()
      .prefault('5s')
      .describe('A trace is complete when its root span has ended and no span arrived for this long. Default 5s.'),
    orphanTimeout: duration()
      .prefault('10m')
      .describe('A trace whose root span never arrives is analysed anyway after no span arrived for this long. Default 10m.'),
    pollInterval: duration().prefault('1s').describe('How often the background loop looks for complete traces. Default 1s.'),
    sliceBudgetMs: z.coerce
      .number()
      .positive()
      .default(5)
      .describe('Milliseconds of analysis before yielding to the event loop (ingest keeps flowing). Default 5.'),
    // One section per detector (toolLoop, silentFailure, latencySpike), owned by its descriptor
    // in model/detectors/.
    ...DETECTOR_OPTIONS_SHAPE,
  })
  .strict();

function isCronExpression(text: string): boolean {
  try {
    new Cron(text, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: text });
    return true;
  } catch {
    return false;
  }
}

export const reportsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Make the nightly report inside `tracehound serve`. Default true.'),
    schedule: z
      .string()
      .default('0 2 * * *')
      .refine(isCronExpression, { message: 'expected a cron expression such as "0 2 * * *" (minute hour day month weekday)' })
      .describe('Cron expression for the nightly report. Default "0 2 * * *" (02:00).'),
    timezone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/Berlin' })
      .describe('IANA time zone the schedule is read in. Default UTC.'),
    dir: z.string().default('./data/reports').describe('Folder every report is also written to. Default ./data/reports.'),
    period: duration()
      .prefault('24h')
      .describe('Length of the period a scheduled report (and a POST /api/reports without since) covers, ending when it runs. Default 24h.'),
    webhookUrl: z
      .union([z.literal(''), z.url({ protocol: /^https?$/ })])
      .default('')
      .describe('URL every report is POSTed to (JSON); empty sends none. Default "".'),
    webhookFormat: z
      .enum(['json', 'slack'])
      .default('json')
      .describe('json: the full report and its summary; slack: a Slack-compatible {"text"} body. Default json.'),
    webhookMaxAttempts: positiveInt().default(5).describe('Attempts per webhook delivery (reports and alerts), the first included. Default 5.'),
    webhookBackoff: duration()
      .prefault('2s')
      .describe('Wait before the first webhook retry; doubled for each further one (at most 60s; Retry-After is honoured). Default 2s.'),
    webhookTimeout: duration().prefault('10s').describe('Timeout of one webhook attempt. Default 10s.'),
    webhookMaxQueued: positiveInt()
      .default(100)
      .describe('Webhook deliveries (reports and alerts) waiting at most; past this, new ones are dropped and counted. Default 100.'),
    latencyRegressionRatio: z.coerce
      .number()
      .min(1)
      .default(1.5)
      .describe('An operation regressed when its p95 is at least this many times its 7-day baseline p95. Default 1.5.'),
    latencyMinDelta: duration()
      .prefault('50ms')
      .describe('… and at least this much slower in absolute terms (so 2 ms → 4 ms is no regression). Default 50ms.'),
  })
  .strict();

export const alertsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Send an immediate webhook for severe flags (needs a webhook URL). Default true.'),
    minSeverity: z.enum(['info', 'warning', 'critical']).default('critical').describe('Lowest flag severity alerted. Default critical.'),
    webhookUrl: z
      .union([z.literal(''), z.url({ protocol: /^https?$/ })])
      .default('')
      .describe('URL alerts are POSTed to; empty uses reports.webhookUrl. Default "".'),
    webhookFormat: z
      .enum(['json', 'slack'])
      .default('json')
      .describe('json: the alert object; slack: a Slack-compatible {"text"} body. Default json.'),
    dedupWindow: duration()
      .prefault('1h')
      .describe('A failure signature alerts once per window; repeats within it are counted and sent as one follow-up. Default 1h.'),
    maxPerHour: positiveInt().default(20).describe('Most alerts sent in any rolling hour, all signatures together; the rest wait, counted. Default 20.'),
  })
  .strict();

export const authSchema = z
  .object({
    ingestKeys: z
      .array(z.string().min(16))
      .default([])
      .describe(
        'API keys accepted on the OTLP path, sent as Authorization: Bearer KEY, x-api-key: KEY or x-tracehound-key: KEY; at least 16 characters each. Empty: ingest is open. Default [].',
      ),
    apiTokens: z
      .array(z.string().min(16))
      .default([])
      .describe(
        'Tokens for /api/*, /metrics and the web view (Authorization: Bearer TOKEN, or the /login form that sets a session cookie); at least 16 characters each. Empty: open. Default [].',
      ),
    allowUnauthenticatedRemote: z
      .boolean()
      .default(false)
      .describe('Allow listening on a non-loopback address while auth.ingestKeys or auth.apiTokens is empty. Default false.'),
    sessionMaxAge: duration().prefault('7d').describe('Lifetime of a web-view login (session cookie). Default 7d.'),
  })
  .strict();

/** A user-defined redaction pattern: a JavaScript regular expression and the name it is marked with. */
const redactionPatternSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9_]{1,40}$/, 'expected a name of 1-40 lower-case letters, digits or _')
      .describe('Marker name: matches become [REDACTED:NAME].'),
    regex: z
      .string()
      .min(1)
      .refine(
        (source) => {
          try {
            new RegExp(source, 'g');
            return true;
          } catch {
            return false;
          }
        },
        { message: 'expected a valid JavaScript regular expression' },
      )
      .describe('JavaScript regular expression (no slashes, no flags); every match is replaced.'),
    ignoreCase: z.boolean().default(false).describe('Match case-insensitively. Default false.'),
  })
  .strict();

export const BUILTIN_REDACTION_PATTERNS = [
  'email',
  'openai_key',
  'anthropic_key',
  'bearer',
  'aws_key',
  'github_token',
  'slack_token',
  'google_api_key',
  'stripe_key',
  'jwt',
  'private_key',
  'secret_assignment',
  'card',
] as const;

export const redactionSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Redact secrets and personal data before anything is stored. Default true.'),
    builtin: z
      .array(z.enum(BUILTIN_REDACTION_PATTERNS))
      .default([...BUILTIN_REDACTION_PATTERNS])
      .describe(`Built-in patterns applied to every string value. Default all: ${BUILTIN_REDACTION_PATTERNS.join(', ')}.`),
    patterns: z.array(redactionPatternSchema).default([]).describe('Extra patterns: [{ name, regex, ignoreCase }]. Default [].'),
    denyAttributes: z
      .array(z.string().min(1))
      .default([
        '*authorization',
        '*cookie',
        '*x-api-key',
        '*password*',
        '*secret*',
        '*api_key*',
        '*apikey*',
        '*access_token*',
      ])
      .describe(
        'Attribute keys whose whole value is replaced by [REDACTED:attribute]; case-insensitive, * matches any run of characters. Default: keys ending in authorization, cookie or x-api-key, and keys containing password, secret, api_key, apikey or access_token.',
      ),
  })
  .strict();

export const retentionSchema = z
  .object({
    maxAgeDays: z.coerce.number().int().min(0).default(0).describe('Delete runs that started more than this many days ago; 0 keeps everything. Default 0.'),
    maxDatabaseMb: z.coerce
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Delete the oldest runs while the data in the database exceeds this many MiB; 0 is no cap. Default 0.'),
    interval: duration().prefault('10m').describe('How often the retention pass runs. Default 10m.'),
    batchMaxRuns: positiveInt()
      .max(500)
      .default(200)
      .describe('Most runs deleted in one transaction (ingest waits at most one batch). Default 200, at most 500.'),
  })
  .strict();

const usdPerMillion = () => z.coerce.number().min(0).max(1_000_000);

export const pricingSchema = z
  .object({
    models: z
      .array(
        z
          .object({
            model: z.string().min(1).max(200).describe('Model name; also matches dated names that start with it followed by - @ : or . (gpt-4o matches gpt-4o-2024-08-06).'),
            input: usdPerMillion().describe('USD per million input tokens.'),
            output: usdPerMillion().describe('USD per million output tokens.'),
            cachedInput: usdPerMillion().optional().describe('USD per million input tokens read from the prompt cache. Default: the input price.'),
          })
          .strict()
          .transform((entry) => ({ ...entry, cachedInput: entry.cachedInput ?? entry.input })),
      )
      .max(10_000)
      .default([])
      .describe('Model prices laid over the built-in table (model/pricing/price-table.ts): an entry with the same model replaces it, a new one is added. Default [].'),
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
    alerts: alertsSchema.prefault({}),
    auth: authSchema.prefault({}),
    redaction: redactionSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    pricing: pricingSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .strict();

/** The configuration as read: every key present, durations in milliseconds. */
export type Config = z.output<typeof configSchema>;
/** The configuration as written in the file. */
export type ConfigInput = z.input<typeof configSchema>;
