import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouseCluster, type RunningCluster } from '../../../scripts/clickhouse-cluster.js';

/**
 * A fresh 2 × 2 cluster (ZooKeeper + four clickhouse-server) in a temporary directory, for one
 * test file: `const cluster = await startTestCluster()` in beforeAll, `await cluster.dispose()` in afterAll.
 */
export async function startTestCluster(): Promise<RunningCluster & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-ch-'));
  const cluster = await startClickHouseCluster(dir);
  return {
    ...cluster,
    async dispose() {
      // Test data is thrown away: no clean shutdown needed.
      await cluster.stop({ kill: true });
      // Tens of thousands of part files (a column per file, per part, per replica) take over a
      // minute to delete on a busy disk: removed by a detached `rm` that outlives the test.
      spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
    },
  };
}
