import type { Db } from './database.js';
import type { AnalysisStore, BaselineContribution, BaselineStore, CommittedAnalysis, TraceForAnalysis } from '../api.js';
import { createAnalysisReader } from '../analysis-reader.js';
import { createFlagWriter } from '../flag-writer.js';

/** analysis_state.baseline_spans as stored: span ids sampled, and their samples as [key, bucket, bin]. */
interface StoredContribution {
  s: string[];
  x: [string, number, number][];
}

function toContribution(json: string | undefined): BaselineContribution {
  if (json === undefined) return { spanIds: [], samples: [] };
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
 * AnalysisStore over SQLite. A trace's version is its run's span count (the writer adds to it
 * in the same transaction as the spans). commitAnalyses is one transaction with
 * synchronous = NORMAL: analysis results need no fsync of their own — lost in a power cut, the
 * runs are still pending and are analysed again — and the next ingest commit (FULL) syncs the
 * write-ahead log with these frames in it.
 */
export function createSqliteAnalysisStore(db: Db): AnalysisStore {
  const reader = createAnalysisReader(db);
  const flagWriter = createFlagWriter(db);
  const spanCount = db.prepare('SELECT span_count FROM runs WHERE trace_id = ?').pluck();
  const selectState = db.prepare('SELECT baseline_spans FROM analysis_state WHERE trace_id = ?').pluck();
  const upsertState = db.prepare(
    'INSERT INTO analysis_state (trace_id, baseline_spans) VALUES (?, ?) ON CONFLICT (trace_id) DO UPDATE SET baseline_spans = excluded.baseline_spans',
  );
  const selectBucket = db.prepare('SELECT counts FROM latency_baselines WHERE key = ? AND bucket_start_ms = ?').pluck();
  const upsertBucket = db.prepare(
    `INSERT INTO latency_baselines (key, bucket_start_ms, n, counts) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, bucket_start_ms) DO UPDATE SET n = excluded.n, counts = excluded.counts`,
  );
  const deleteOlder = db.prepare('DELETE FROM latency_baselines WHERE key = ? AND bucket_start_ms < ?');
  const markAll = db.prepare('UPDATE runs SET analyzed = 0 WHERE analyzed = 1');

  const commit = db.transaction((work: Parameters<AnalysisStore['commitAnalyses']>[0]): CommittedAnalysis[] => {
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

  return {
    async listPending(query) {
      return reader.listPending({
        idleBeforeMs: query.idleBeforeMs,
        orphanBeforeMs: query.orphanBeforeMs,
        force: query.force,
        limit: query.limit,
        afterStartNs: query.after?.startNs,
        afterTraceId: query.after?.traceId,
      });
    },
    async countPending() {
      return reader.countPending();
    },
    async oldestPendingReceivedMs(idleBeforeMs) {
      return reader.oldestPendingReceivedMs(idleBeforeMs);
    },
    async loadTraces(traceIds) {
      return db.transaction((): TraceForAnalysis[] =>
        traceIds.map((traceId) => {
          const count = spanCount.get(traceId) as number | bigint | undefined;
          return {
            traceId,
            spans: reader.loadTraceSpans(traceId),
            version: count === undefined ? '' : String(count),
            contribution: toContribution(selectState.get(traceId) as string | undefined),
          };
        }),
      )();
    },
    async commitAnalyses(work) {
      const previous = db.pragma('synchronous', { simple: true }) as number;
      if (previous > 1) db.pragma('synchronous = NORMAL');
      try {
        return commit(work);
      } finally {
        if (previous > 1) db.pragma(`synchronous = ${previous}`);
      }
    },
    async markAllPending() {
      return markAll.run().changes;
    },
  };
}

/** BaselineStore over SQLite (table latency_baselines, primary key key + bucket start). */
export function createSqliteBaselineStore(db: Db): BaselineStore {
  const selectKey = db.prepare('SELECT bucket_start_ms, n, counts FROM latency_baselines WHERE key = ? AND bucket_start_ms >= ? ORDER BY bucket_start_ms');
  return {
    async readBuckets(keys, sinceMs) {
      return keys.flatMap((key) =>
        (selectKey.all(key, sinceMs) as { bucket_start_ms: number; n: number; counts: string }[]).map((row) => ({
          key,
          bucketStartMs: Number(row.bucket_start_ms),
          n: Number(row.n),
          counts: JSON.parse(row.counts) as [number, number][],
        })),
      );
    },
  };
}
