import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../store/database.js';
import { DETECTOR_IDS, type DetectorId, type Flag } from '../model/api.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import { createAnalysisReader } from '../store/analysis-reader.js';
import type { AnalyzerOptions, Detector } from './detector.js';
import { createTraceAnalyzer } from './analyze-trace.js';

export interface AnalyzeSummary {
  /** Traces analysed by this call. */
  analyzed: number;
  /** Of those, traces that have at least one flag now. */
  flagged: number;
  /** Spans read. */
  spans: number;
  /** Flags the analysed traces now carry, by detector. */
  flagsByDetector: Record<DetectorId, number>;
  /** Flags that did not exist before this call. */
  newFlags: number;
  /** Flags not raised because a suppression rule matched. */
  suppressed: number;
  /** Detector exceptions (each also logged). */
  detectorFailures: number;
  /** Slices run (each: analysis + commit, then a yield to the event loop). */
  slices: number;
  /** Longest slice, milliseconds: the longest the event loop was held. */
  maxSliceMs: number;
  elapsedMs: number;
}

export interface Analyzer {
  /**
   * Analyses pending traces now and resolves when done. Without `force`, only complete traces
   * (root present and idle for `idle`, or rootless and idle for `orphanTimeout`); with it,
   * every pending trace. Calls are serialised; work is done in slices of `sliceBudgetMs`
   * with a yield to the event loop between slices, so ingest is never blocked for long.
   */
  analyzePending(options?: { force?: boolean }): Promise<AnalyzeSummary>;
  /** Marks every trace pending again (`analyze --all`); the next analyzePending re-judges them. */
  markAllPending(): number;
  /** Starts the background loop (every `pollInterval`). */
  start(): void;
  /** Stops the loop; resolves once the trace in progress is committed. */
  stop(): Promise<void>;
}

export interface AnalyzerDependencies {
  metrics?: Metrics;
  logger?: Logger;
  /** Called after commit with the NEW flags of one run (never the ones it already had). */
  onFlagsRaised?: (flags: Flag[]) => void;
  detectors?: readonly Detector[];
  /** Clock, epoch ms (tests). */
  now?: () => number;
  /**
   * True while ingest waits for the database's write lock (a commit on the writer thread).
   * Between slices the analyser waits for it to clear — up to MAX_INGEST_WAIT_MS — so a backlog
   * being analysed can never starve ingest of the lock.
   */
  ingestWaiting?: () => boolean;
}

/** The longest the analyser defers its next slice to a pending ingest commit, milliseconds. */
const MAX_INGEST_WAIT_MS = 200;

const BATCH = 256;

export function createAnalyzer(db: Db, options: AnalyzerOptions, dependencies: AnalyzerDependencies = {}): Analyzer {
  const now = dependencies.now ?? Date.now;
  const reader = createAnalysisReader(db);
  const traceAnalyzer = createTraceAnalyzer(db, options, {
    detectors: dependencies.detectors,
    metrics: dependencies.metrics,
    logger: dependencies.logger,
  });
  const markAll = db.prepare('UPDATE runs SET analyzed = 0 WHERE analyzed = 1');
  const markFailed = db.prepare('UPDATE runs SET analyzed = 1, analyzed_at_ms = ? WHERE trace_id = ?');
  let queue: Promise<unknown> = Promise.resolve();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<AnalyzeSummary> | null = null;
  /** Moving estimate of a slice's flush + commit, milliseconds. */
  let commitMsEstimate = 1;

  async function deferToIngest(): Promise<void> {
    if (dependencies.ingestWaiting === undefined) return;
    const deadline = performance.now() + MAX_INGEST_WAIT_MS;
    while (dependencies.ingestWaiting() && performance.now() < deadline) await sleep(1);
  }

  async function runPass(force: boolean): Promise<AnalyzeSummary> {
    const started = performance.now();
    const summary: AnalyzeSummary = {
      analyzed: 0,
      flagged: 0,
      spans: 0,
      flagsByDetector: Object.fromEntries(DETECTOR_IDS.map((id) => [id, 0])) as Record<DetectorId, number>,
      newFlags: 0,
      suppressed: 0,
      detectorFailures: 0,
      slices: 0,
      maxSliceMs: 0,
      elapsedMs: 0,
    };
    traceAnalyzer.refreshSuppressions();
    let sliceStart = performance.now();
    let commitStart = sliceStart;
    let afterStartNs = -1n;
    let afterTraceId = '';
    for (;;) {
      const nowMs = now();
      const batch = reader.listPending({
        idleBeforeMs: nowMs - options.idle,
        orphanBeforeMs: nowMs - options.orphanTimeout,
        force,
        limit: BATCH,
        afterStartNs,
        afterTraceId,
      });
      if (batch.length === 0) break;
      let next = 0;
      while (next < batch.length && !stopping) {
        // One slice: traces analysed synchronously in ONE transaction until the budget is spent,
        // then commit, tell the listeners, and yield so ingest requests run in between.
        const raisedInSlice: { traceId: string; flags: Flag[] }[] = [];
        traceAnalyzer.transaction(() => {
          do {
            const { traceId, startNs } = batch[next++]!;
            afterStartNs = startNs;
            afterTraceId = traceId;
            const savepoint = `trace_${summary.analyzed}`;
            db.exec(`SAVEPOINT ${savepoint}`);
            try {
              const result = traceAnalyzer.analyzeTrace(traceId, now());
              db.exec(`RELEASE ${savepoint}`);
              summary.analyzed++;
              summary.spans += result.spanCount;
              if (result.flags.length > 0) summary.flagged++;
              for (const flag of result.flags) summary.flagsByDetector[flag.detector]++;
              summary.newFlags += result.raised.length;
              summary.suppressed += result.suppressed;
              summary.detectorFailures += result.failures.length;
              if (result.raised.length > 0) raisedInSlice.push({ traceId, flags: result.raised });
            } catch (error) {
              // A trace that cannot be analysed must not stall the loop: log it and move on.
              db.exec(`ROLLBACK TO ${savepoint}`);
              db.exec(`RELEASE ${savepoint}`);
              dependencies.logger?.error({ err: error, traceId }, 'trace analysis failed');
              markFailed.run(now(), traceId);
            }
          } while (next < batch.length && performance.now() - sliceStart + commitMsEstimate < options.sliceBudgetMs);
          commitStart = performance.now();
          traceAnalyzer.flushBaselines();
        });
        // The commit counts against the budget too: keep a moving estimate of its cost.
        commitMsEstimate = 0.8 * commitMsEstimate + 0.2 * (performance.now() - commitStart);
        const sliceMs = performance.now() - sliceStart;
        summary.slices++;
        summary.maxSliceMs = Math.max(summary.maxSliceMs, sliceMs);
        dependencies.metrics?.analysisSliceSeconds.observe(sliceMs / 1000);
        if (dependencies.onFlagsRaised !== undefined) {
          for (const { traceId, flags } of raisedInSlice) {
            try {
              dependencies.onFlagsRaised(flags);
            } catch (error) {
              dependencies.logger?.error({ err: error, traceId }, 'onFlagsRaised failed');
            }
          }
        }
        await yieldToEventLoop();
        await deferToIngest();
        sliceStart = performance.now();
      }
      // The lag is measured after every batch too: a long pass over a backlog must not leave it at its last (0) value.
      updateLagMetrics();
      if (stopping || batch.length < BATCH) break;
    }
    updateLagMetrics();
    summary.elapsedMs = performance.now() - started;
    return summary;
  }

  if (dependencies.metrics !== undefined) dependencies.metrics.measureAnalysisLag = updateLagMetrics;

  /** How far analysis is behind: the oldest complete trace still waiting, and the runs not analysed yet. */
  function updateLagMetrics(): void {
    if (dependencies.metrics === undefined) return;
    const oldest = reader.oldestPendingReceivedMs(now() - options.idle);
    dependencies.metrics.analysisLagSeconds.set(oldest === null ? 0 : Math.max(0, (now() - options.idle - oldest) / 1000));
    dependencies.metrics.analysisPendingRuns.set(reader.countPending());
  }

  function enqueue(force: boolean): Promise<AnalyzeSummary> {
    const next = queue.then(() => runPass(force));
    queue = next.catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      inFlight = enqueue(false);
      inFlight
        .catch((error: unknown) => dependencies.logger?.error({ err: error }, 'analysis pass failed'))
        .finally(() => {
          inFlight = null;
          schedule();
        });
    }, options.pollInterval);
    timer.unref();
  }

  return {
    analyzePending(call = {}) {
      return enqueue(call.force ?? false);
    },
    markAllPending() {
      return markAll.run().changes;
    },
    start() {
      stopping = false;
      if (timer === undefined) schedule();
    },
    async stop() {
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await queue;
      if (inFlight !== null) await inFlight.catch(() => undefined);
    },
  };
}
