import type { Db } from './database.js';
import type { AnalysisCommit, BaselineContribution, CommittedAnalysis } from '../api.js';
import { createFlagWriter } from '../flag-writer.js';

/** analysis_state.baseline_spans as stored: span ids sampled, and their samples as [key, bucket, bin]. */
export interface StoredContribution {
  s: string[];
  x: [string, number, number][];
}

export function toContribution(json: string | undefined | null): BaselineContribution {
  if (json === undefined || json === null) return { spanIds: [], samples: [] };
  const state = JSON.parse(json) as StoredContribution;
  return { spanIds: state.s, samples: state.x.map(([key, bucketMs, bin]) => ({ key, bucketMs, bin })) };
}

function fromContribution(contribution: BaselineContribution): string {
  return JSON.stringify({ s: contribution.spanIds, x: contribution.samples.map((sample) => [sample.key, sample.bucketMs, sample.bin]) } satisfies StoredContribution);
}

/** Merges [bin, count] pairs into a stored histogram's pairs; bins ascending. */
function mergeCounts(stored: [number, number][], added: readonly [number, number][]): { counts: [number, number][]; n: number } {
  const byBin = new Map<number, number>(stored);
  for (const [bin, count] of added) byBin.set(bin, (byBin.get(bin) ?? 0) + count);
  const counts = [...byBin].sort((a, b) => a[0] - b[0]);
  return { counts, n: counts.reduce((sum, [, count]) => sum + count, 0) };
}

/**
 * The analyser's one write (AnalysisStore.commitAnalyses) on a given connection: ONE
 * transaction with synchronous = NORMAL — analysis results need no fsync of their own (lost in a
 * power cut, the runs are still pending and are analysed again) and the next ingest commit
 * (FULL) syncs the write-ahead log with these frames in it. Runs on the main connection, or on
 * the span-writer thread's (store/sqlite/writer-thread), where it queues behind ingest commits
 * instead of contending with them for the write lock. Throws when nothing was stored.
 */
export function createAnalysisCommitter(db: Db): (work: AnalysisCommit) => CommittedAnalysis[] {
  const flagWriter = createFlagWriter(db);
  const upsertState = db.prepare(
    'INSERT INTO analysis_state (trace_id, baseline_spans) VALUES (?, ?) ON CONFLICT (trace_id) DO UPDATE SET baseline_spans = excluded.baseline_spans',
  );
  const selectBucket = db.prepare('SELECT counts FROM latency_baselines WHERE key = ? AND bucket_start_ms = ?').pluck();
  const upsertBucket = db.prepare(
    `INSERT INTO latency_baselines (key, bucket_start_ms, n, counts) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, bucket_start_ms) DO UPDATE SET n = excluded.n, counts = excluded.counts`,
  );
  const deleteOlder = db.prepare('DELETE FROM latency_baselines WHERE key = ? AND bucket_start_ms < ?');

  const commit = db.transaction((work: AnalysisCommit): CommittedAnalysis[] => {
    const out: CommittedAnalysis[] = [];
    for (const result of work.results) {
      if (result.contribution !== null) upsertState.run(result.traceId, fromContribution(result.contribution));
      const version = Number(result.version);
      const written = flagWriter.replaceFlags(result.traceId, result.flags, work.nowMs, Number.isFinite(version) ? version : undefined);
      out.push({ traceId: result.traceId, raised: written.raised, kept: written.kept, removed: written.removed, current: written.current });
    }
    for (const { key, beforeMs } of work.expiredBaselines) deleteOlder.run(key, beforeMs);
    for (const delta of work.baselineDeltas) {
      const stored = selectBucket.get(delta.key, delta.bucketStartMs) as string | undefined;
      const merged = mergeCounts(stored === undefined ? [] : (JSON.parse(stored) as [number, number][]), delta.counts);
      upsertBucket.run(delta.key, delta.bucketStartMs, merged.n, JSON.stringify(merged.counts));
    }
    return out;
  });

  return (work) => {
    const previous = db.pragma('synchronous', { simple: true }) as number;
    if (previous > 1) db.pragma('synchronous = NORMAL');
    try {
      return commit.immediate(work);
    } finally {
      if (previous > 1) db.pragma(`synchronous = ${previous}`);
    }
  };
}
