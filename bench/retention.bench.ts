import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/sqlite/database.js';
import { createSpanWriter } from '../store/span-writer.js';
import { createSqliteRetention } from '../store/sqlite/sqlite-retention.js';
import { hexId, makeSpan } from '../test/support/normalized-spans.js';

/**
 * Retention on a file database: how long one delete transaction holds the writer (the most a
 * concurrent ingest commit waits), and the pass's throughput, with the default batch sizes.
 */
export default async function retentionBench({ quick }: { quick: boolean }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-retention-bench-'));
  try {
    const db = openDatabase(join(dir, 'bench.db'), { synchronous: 'full' });
    const write = createSpanWriter(db);
    const runs = quick ? 400 : 2000;
    const spansPerRun = 25;
    const oldMs = Date.now() - 60 * 86_400_000;
    for (let r = 0; r < runs; r++) {
      const traceId = hexId(16);
      write(
        Array.from({ length: spansPerRun }, (_, i) => makeSpan({ traceId, startMs: oldMs + r * 1000 + i, attributes: { 'input.value': 'x'.repeat(400), i } })),
        Date.now(),
      );
    }
    const started = performance.now();
    const result = await createSqliteRetention(db, { maxAgeDays: 30, maxDatabaseMb: 0, batchMaxRuns: 200 }).runPass();
    const elapsedMs = performance.now() - started;
    console.log(
      `retention: deleted ${result.deletedRuns} runs / ${result.deletedSpans} spans in ${elapsedMs.toFixed(0)} ms ` +
        `(${((result.deletedSpans / elapsedMs) * 1000).toFixed(0)} spans/s); longest transaction or vacuum step ${result.longestStepMs.toFixed(1)} ms; ` +
        `reclaimed ${result.reclaimedPages} pages, file now ${(result.fileBytes / 1024).toFixed(0)} KiB`,
    );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
