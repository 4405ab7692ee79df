import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { configSchema, type ConfigInput } from '../../../config/schema.js';
import { startService, type RunningService } from '../../../cli/service.js';
import { createLogger } from '../../../ops/logger.js';

export interface SecureTestService extends RunningService {
  dir: string;
  dbPath: string;
  /** Every log line written so far. */
  logText(): string;
  stop(): Promise<void>;
}

/** A real tracehound on port 0 with a temp file database and captured debug logs. */
export async function startSecureService(overrides: ConfigInput = {}): Promise<SecureTestService> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-security-'));
  const dbPath = join(dir, 'test.db');
  const config = configSchema.parse({
    ...overrides,
    server: { host: '127.0.0.1', port: 0, ...overrides.server },
    storage: { path: dbPath, ...overrides.storage },
    logging: { level: 'debug' },
    analyzer: { enabled: false, ...overrides.analyzer },
    reports: { enabled: false, dir: join(dir, 'reports') },
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const service = await startService(config, { logger: createLogger('debug', sink) });
  return Object.assign(service, {
    dir,
    dbPath,
    logText: () => lines.join(''),
    async stop() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
