import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { createLogger } from '../../ops/logger.js';
import { startReports } from '../../reports/start-reports.js';
import type { Storage } from '../../store/api.js';
import { openClickHouseStorage } from '../../store/clickhouse/open-clickhouse-storage.js';
import { startTestCluster } from './support/test-cluster.js';

/**
 * Two tracehound processes' report features on one 18.16 cluster, both scheduled to make the
 * report every 3 seconds: each scheduled report is made exactly once (the report lease).
 */
let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tracehound-lease-'));
beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('makes each scheduled report in exactly one of two processes', async () => {
  const open = (processId: string) =>
    openClickHouseStorage({ urls: cluster!.urls, database: 'lease', cluster: cluster!.cluster, user: 'default', password: '', processId, leaseSettleMs: 500 });
  const storages: Storage[] = [await open('a'), await open('b')];
  const config = parseConfig({
    reports: { enabled: true, schedule: '*/3 * * * * *', period: '1h', dir: join(dir, 'reports') },
    alerts: { enabled: false },
    logging: { level: 'silent' },
  });
  const logger = createLogger('silent');
  const features = storages.map((storage, i) => startReports({ storage, holder: `process-${i}`, config, logger, publicUrl: 'http://127.0.0.1' }));
  try {
    const deadline = Date.now() + 40_000;
    let scheduled: { until: string }[] = [];
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      scheduled = (await storages[0]!.reports.listReports({ limit: 200 })).reports.filter((report) => report.trigger === 'schedule');
      if (scheduled.length >= 3) break;
    }
    await Promise.all(features.map((feature) => feature.stop()));
    scheduled = (await storages[1]!.reports.listReports({ limit: 200 })).reports.filter((report) => report.trigger === 'schedule');
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    const instants = scheduled.map((report) => report.until);
    expect(new Set(instants).size).toBe(instants.length);
  } finally {
    await Promise.all(features.map((feature) => feature.stop()));
    await Promise.all(storages.map((storage) => storage.close()));
  }
}, 90_000);
