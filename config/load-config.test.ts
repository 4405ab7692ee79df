import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './load-config.js';
import { configSchema } from './schema.js';

function tempConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'th-config-')), 'otel-config.yaml');
  writeFileSync(path, text);
  return path;
}

/** Every leaf key path of a plain object, e.g. `server.port`. */
function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, prefix ? `${prefix}.${key}` : key));
}

describe('configuration', () => {
  it('uses the documented defaults when nothing is configured', () => {
    const config = loadConfig({ configPath: tempConfig(''), env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 4318 });
    expect(config.storage.path).toBe('./data/tracehound.db');
    expect(config.analyzer.idle).toBe(5000);
  });

  it('ships an otel-config.yaml that documents every key with its default value', () => {
    const file = parseYaml(readFileSync(new URL('../otel-config.yaml', import.meta.url), 'utf8')) as unknown;
    const defaults = configSchema.parse({});
    const fromFile = parseConfig(file, 'otel-config.yaml');
    expect(fromFile).toEqual(defaults);
    expect(leafKeys(file).sort()).toEqual(leafKeys(configSchema.parse({})).sort());
  });

  it('lets flags beat environment variables beat the file', () => {
    const path = tempConfig('server:\n  port: 5000\n  host: 127.0.0.2\nstorage:\n  path: /tmp/file.db\n');
    const fileOnly = loadConfig({ configPath: path, env: {} });
    expect(fileOnly.server.port).toBe(5000);
    const withEnv = loadConfig({ configPath: path, env: { TRACEHOUND_PORT: '6000', TRACEHOUND_DB: '/tmp/env.db' } });
    expect(withEnv.server.port).toBe(6000);
    expect(withEnv.storage.path).toBe('/tmp/env.db');
    const withFlag = loadConfig({ configPath: path, env: { TRACEHOUND_PORT: '6000' }, overrides: { 'server.port': '7000' } });
    expect(withFlag.server.port).toBe(7000);
    expect(withFlag.server.host).toBe('127.0.0.2');
  });

  it('names an unknown key in one line', () => {
    const path = tempConfig('collector:\n  maxBodyByte: 10\n');
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(/unknown key "collector\.maxBodyByte"/);
  });

  it('names the key and what was expected for a bad value', () => {
    expect(() => loadConfig({ configPath: tempConfig('analyzer:\n  idle: soon\n'), env: {} })).toThrow(
      /analyzer\.idle: expected a duration/,
    );
    expect(() => loadConfig({ configPath: tempConfig(''), env: { TRACEHOUND_PORT: '70000' } })).toThrow(/server\.port/);
  });

  it('refuses an explicit config path that does not exist', () => {
    expect(() => loadConfig({ configPath: '/nonexistent/otel-config.yaml', env: {} })).toThrow(/does not exist/);
  });

  it('reports YAML that does not parse', () => {
    expect(() => loadConfig({ configPath: tempConfig('server: [unclosed\n'), env: {} })).toThrow(/not valid YAML/);
  });
});
