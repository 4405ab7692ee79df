import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

/** A configuration problem, already phrased as the one line start-up prints before exit 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_CONFIG_PATH = './otel-config.yaml';

/**
 * Environment variables and the config key each sets. Flags beat these, these beat the file,
 * the file beats the defaults.
 */
export const ENVIRONMENT_KEYS: Record<string, string> = {
  TRACEHOUND_HOST: 'server.host',
  TRACEHOUND_PORT: 'server.port',
  TRACEHOUND_GRPC_PORT: 'collector.grpc.port',
  TRACEHOUND_PUBLIC_URL: 'server.publicUrl',
  TRACEHOUND_DB: 'storage.path',
  TRACEHOUND_LOG_LEVEL: 'logging.level',
  TRACEHOUND_ANALYZER_IDLE: 'analyzer.idle',
  TRACEHOUND_INGEST_KEYS: 'auth.ingestKeys',
  TRACEHOUND_API_TOKENS: 'auth.apiTokens',
  TRACEHOUND_REPORTS_DIR: 'reports.dir',
  TRACEHOUND_STORAGE_BACKEND: 'storage.backend',
  TRACEHOUND_CLICKHOUSE_URLS: 'storage.clickhouse.urls',
  TRACEHOUND_CLICKHOUSE_DATABASE: 'storage.clickhouse.database',
  TRACEHOUND_CLICKHOUSE_CLUSTER: 'storage.clickhouse.cluster',
  TRACEHOUND_CLICKHOUSE_USER: 'storage.clickhouse.user',
  TRACEHOUND_CLICKHOUSE_PASSWORD: 'storage.clickhouse.password',
};

/** Keys whose environment value is a comma-separated list. */
const LIST_KEYS = new Set(['auth.ingestKeys', 'auth.apiTokens', 'storage.clickhouse.urls']);

export interface LoadConfigOptions {
  /** Path given with --config (an explicit path must exist). */
  configPath?: string;
  /** Values from command-line flags, by dotted key (e.g. `server.port`). */
  overrides?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads, merges and validates the configuration. Throws ConfigError with one line naming the
 * key and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const explicitPath = options.configPath ?? env.TRACEHOUND_CONFIG;
  const path = explicitPath ?? DEFAULT_CONFIG_PATH;
  let raw: Record<string, unknown> = {};
  const fileExists = existsSync(path);
  if (fileExists) {
    raw = readConfigFile(path);
  } else if (explicitPath !== undefined) {
    throw new ConfigError(`config file ${path} does not exist`);
  }
  // Where each key's value came from, so a bad value is blamed on the flag, variable or file that set it.
  const sources = new Map<string, string>();
  for (const [variable, key] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setDotted(raw, key, LIST_KEYS.has(key) ? value.split(',').map((item) => item.trim()).filter(Boolean) : value);
    sources.set(key, variable);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setDotted(raw, key, value);
    sources.set(key, FLAG_OF_KEY[key] ?? 'command line');
  }
  const fileSource = fileExists ? path : 'configuration';
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const dotted = issue.path.map(String).join('.');
  const source = [...sources].find(([key]) => dotted === key || dotted.startsWith(`${key}.`))?.[1] ?? fileSource;
  throw new ConfigError(`${source}: ${describeIssue(issue)}`);
}

/** The command-line flag that sets a key, for messages (`--port abc` names --port, not the file). */
const FLAG_OF_KEY: Record<string, string> = {
  'server.host': '--host',
  'server.port': '--port',
  'collector.grpc.port': '--grpc-port',
  'storage.path': '--db',
};

/** Validates an already-merged object; `source` names where it came from in messages. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`${source}: ${describeIssue(result.error.issues[0]!)}`);
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: expected a mapping of sections (server:, collector:, …) at the top level`);
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${key}.` : '';
    return `unknown key ${issue.keys.map((name) => `"${prefix}${name}"`).join(', ')}`;
  }
  return `${key}: ${issue.message}`;
}

function setDotted(target: Record<string, unknown>, dottedKey: string, value: unknown): void {
  const parts = dottedKey.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
