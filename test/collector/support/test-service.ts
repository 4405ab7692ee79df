import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type ConfigInput } from '../../../config/schema.js';
import { startService, type RunningService } from '../../../cli/service.js';

export interface TestService extends RunningService {
  stop(): Promise<void>;
}

/** A real tracehound on port 0 with a temp database; `stop()` closes it and removes the files. */
export async function startTestService(overrides: ConfigInput = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-collector-'));
  const config = configSchema.parse({
    ...overrides,
    server: { host: '127.0.0.1', port: 0, ...overrides.server },
    storage: { path: join(dir, 'test.db'), synchronous: 'normal', ...overrides.storage },
    logging: { level: 'silent' },
    analyzer: { enabled: false },
    reports: { enabled: false, dir: join(dir, 'reports') },
  });
  const service = await startService(config);
  return Object.assign(service, {
    async stop() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
