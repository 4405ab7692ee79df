import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config/load-config.js';

describe('storage.backend and storage.clickhouse', () => {
  it('defaults to sqlite with one local ClickHouse URL, database tracehound, no cluster', () => {
    const config = parseConfig({});
    expect(config.storage.backend).toBe('sqlite');
    expect(config.storage.clickhouse).toEqual({ urls: ['http://127.0.0.1:8123'], database: 'tracehound', cluster: '', user: 'default', password: '' });
  });

  it('reads every ClickHouse key from its environment variable, URLs comma-separated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-'));
    writeFileSync(join(dir, 'c.yaml'), 'storage:\n  clickhouse:\n    database: fromfile\n');
    const config = loadConfig({
      configPath: join(dir, 'c.yaml'),
      env: {
        TRACEHOUND_STORAGE_BACKEND: 'clickhouse',
        TRACEHOUND_CLICKHOUSE_URLS: 'http://a:8123, http://b:8123',
        TRACEHOUND_CLICKHOUSE_DATABASE: 'th',
        TRACEHOUND_CLICKHOUSE_CLUSTER: 'main',
        TRACEHOUND_CLICKHOUSE_USER: 'u',
        TRACEHOUND_CLICKHOUSE_PASSWORD: 'p',
      },
    });
    expect(config.storage.backend).toBe('clickhouse');
    expect(config.storage.clickhouse).toEqual({ urls: ['http://a:8123', 'http://b:8123'], database: 'th', cluster: 'main', user: 'u', password: 'p' });
  });

  it('names the key when a value is wrong', () => {
    expect(() => parseConfig({ storage: { backend: 'postgres' } })).toThrow(/storage\.backend/);
    expect(() => parseConfig({ storage: { clickhouse: { urls: ['ftp://x'] } } })).toThrow(/storage\.clickhouse\.urls/);
    expect(() => parseConfig({ storage: { clickhouse: { database: 'a-b; DROP' } } })).toThrow(/storage\.clickhouse\.database/);
  });
});
