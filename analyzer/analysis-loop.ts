import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { AnalysisStore, BaselineStore, PendingTrace, Storage, SuppressionStore, TraceAnalysisResult } from '../store/api.js';
import { DETECTOR_IDS, type DetectorId, type Flag } from '../model/api.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';
import type { AnalyzerOptions, Detector } from './detector.js';
import { analyzeLoadedTrace, baselineKeysOf, type TraceAnalysis } from './analyze-trace.js';
import { buildAnalysisTrace } from './analysis-trace.js';
import { createBaselineCache } from './baseline-cache.js';
import { buildSuppressionMatcher, type SuppressionMatcher } from './suppression-matcher.js';
import { DETECTORS } from './detectors.js';

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
  /** Slices run (each: one read of many traces, their analysis, one commit, then a yield to the event loop). */
  slices: number;
  /** Longest slice, milliseconds: the longest the event loop was held reading and judging (the commit may run on the writer thread). */
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
  markAllPending(): Promise<number>;
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

/** Pending traces listed per read. */
const BATCH = 256;
/** Most traces read, analysed and committed as one slice. */
const SLICE_MAX_TRACES = 64;
/**
 * Fewest traces per slice, whatever the pace: each slice pays a read transaction and a commit,
 * and on a loaded machine a time budget alone shrank slices to one trace (issue 13).
 */
const SLICE_MIN_TRACES = 16;

/** The stores the analyser uses. */
export type AnalyzerStores = Pick<Storage, 'analysis' | 'baselines' | 'suppressions'>;

export function createAnalyzer(stores: AnalyzerStores, options: AnalyzerOptions, dependencies: AnalyzerDependencies = {}): Analyzer {
  const now = dependencies.now ?? Date.now;
  const analysis: AnalysisStore = stores.analysis;
  const suppressions: SuppressionStore = stores.suppressions;
  const baselineStore: BaselineStore = stores.baselines;
  const detectors = dependencies.detectors ?? DETECTORS;
  const baselines = createBaselineCache(baselineStore, { bucketMs: options.latencySpike.bucket, windowMs: options.latencySpike.window });
  const { metrics, logger } = dependencies;
  let matcher: SuppressionMatcher = buildSuppressionMatcher([]);
  let suppressionsVersion: string | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<AnalyzeSummary> | null = null;
  /** Moving estimate of the time one trace takes (read + analysis + commit share), ms. */
  let traceMsEstimate = 1;

  async function refreshSuppressions(): Promise<void> {
    const current = await suppressions.suppressionsVersion();
    if (current === suppressionsVersion) return;
    suppressionsVersion = current;
    matcher = buildSuppressionMatcher(await suppressions.listSuppressions());
  }

  /**
   * Leaves the trace of a suppression on the runs it silenced (after the commit: a failure here
   * loses the record, never the analysis). Nothing to do, no store call, when no rule matched.
   */
  async function recordSilenced(silenced: Parameters<SuppressionStore['recordSilencedFlags']>[0]): Promise<void> {
    if (silenced.length === 0) return;
    try {
      await suppressions.recordSilencedFlags(silenced, now());
    } catch (error) {
      logger?.error({ err: error, flags: silenced.length }, 'recording silenced flags failed');
    }
  }

  async function deferToIngest(): Promise<void> {
    if (dependencies.ingestWaiting === undefined) return;
    const deadline = performance.now() + MAX_INGEST_WAIT_MS;
    while (dependencies.ingestWaiting() && performance.now() < deadline) await sleep(1);
  }

  /** Analyses one loaded trace, loading baseline keys it turns out to need first. */
  async function judge(loaded: Parameters<typeof analyzeLoadedTrace>[0], trace: ReturnType<typeof buildAnalysisTrace> | null): Promise<TraceAnalysis> {
    const context = { options, baselines, matcher, detectors };
    let judged = analyzeLoadedTrace(loaded, trace, context);
    for (let attempt = 0; judged.missingKeys.length > 0 && attempt < 3; attempt++) {
      await baselines.load(judged.missingKeys);
      judged = analyzeLoadedTrace(loaded, trace, context);
    }
    return judged;
  }

  interface JudgedSlice {
    traces: number;
    results: TraceAnalysisResult[];
    judgedByTrace: Map<string, TraceAnalysis>;
    /** The event loop's share of the slice: reads and judging. */
    loopMs: number;
  }

  /** The first half of a slice, on the event loop: read the traces in one call and judge them. */
  async function judgeSlice(traces: PendingTrace[]): Promise<JudgedSlice> {
    const sliceStart = performance.now();
    const loadedTraces = await analysis.loadTraces(traces.map((trace) => trace.traceId));
    const keys = new Set<string>();
    const built = loadedTraces.map((loaded) => (loaded.spans.length === 0 ? null : buildAnalysisTrace(loaded.traceId, loaded.spans)));
    for (const trace of built) {
      if (trace === null) continue;
      for (const key of baselineKeysOf(trace, detectors)) keys.add(key);
    }
    await baselines.load(keys);
    const results: TraceAnalysisResult[] = [];
    const judgedByTrace = new Map<string, TraceAnalysis>();
    for (const [index, loaded] of loadedTraces.entries()) {
      const started = performance.now();
      let judged: TraceAnalysis;
      try {
        judged = await judge(loaded, built[index]!);
      } catch (error) {
        // A trace that cannot be analysed must not stall the loop: log it, store it without flags.
        logger?.error({ err: error, traceId: loaded.traceId }, 'trace analysis failed');
        judged = { missingKeys: [], result: { traceId: loaded.traceId, version: loaded.version, flags: [], contribution: null }, spanCount: loaded.spans.length, suppressed: 0, failures: [] };
      }
      metrics?.analysisSeconds.observe((performance.now() - started) / 1000);
      for (const failure of judged.failures) logger?.error({ traceId: loaded.traceId, detector: failure.detector, err: failure.message }, 'detector failed');
      results.push(judged.result);
      judgedByTrace.set(loaded.traceId, judged);
    }
    return { traces: traces.length, results, judgedByTrace, loopMs: performance.now() - sliceStart };
  }

  /**
   * The second half: commit the judged slice and the baseline changes made since the previous
   * commit as one unit. The changes are taken synchronously, so the next slice may be judged
   * while this commit runs (on the writer thread) without its changes leaking into this one.
   */
  async function commitSlice(slice: JudgedSlice, summary: AnalyzeSummary): Promise<void> {
    const changes = baselines.takeChanges();
    let committed;
    try {
      committed = await analysis.commitAnalyses({ results: slice.results, baselineDeltas: changes.deltas, expiredBaselines: changes.expired, nowMs: now() });
    } catch (error) {
      // Nothing of the slice is stored: the cache no longer matches the store; read it again.
      baselines.reset();
      throw error;
    }
    await recordSilenced(committed.flatMap((done) => slice.judgedByTrace.get(done.traceId)!.silenced ?? []));
    const raisedInSlice: { traceId: string; flags: Flag[] }[] = [];
    for (const done of committed) {
      const judged = slice.judgedByTrace.get(done.traceId)!;
      summary.analyzed++;
      summary.spans += judged.spanCount;
      if (judged.result.flags.length > 0) summary.flagged++;
      for (const flag of judged.result.flags) summary.flagsByDetector[flag.detector] = (summary.flagsByDetector[flag.detector] ?? 0) + 1;
      summary.newFlags += done.raised.length;
      summary.suppressed += judged.suppressed;
      summary.detectorFailures += judged.failures.length;
      metrics?.tracesAnalyzed.inc();
      for (const flag of done.raised) metrics?.flagsRaised.inc({ detector: flag.detector, severity: flag.severity });
      if (done.raised.length > 0) raisedInSlice.push({ traceId: done.traceId, flags: done.raised });
    }
    traceMsEstimate = 0.8 * traceMsEstimate + 0.2 * (slice.loopMs / Math.max(1, slice.traces));
    summary.slices++;
    summary.maxSliceMs = Math.max(summary.maxSliceMs, slice.loopMs);
    metrics?.analysisSliceSeconds.observe(slice.loopMs / 1000);
    if (dependencies.onFlagsRaised !== undefined) {
      for (const { traceId, flags } of raisedInSlice) {
        try {
          dependencies.onFlagsRaised(flags);
        } catch (error) {
          logger?.error({ err: error, traceId }, 'onFlagsRaised failed');
        }
      }
    }
  }

  async function runPass(force: boolean): Promise<AnalyzeSummary> {
    const started = performance.now();
    const summary: AnalyzeSummary = {
      analyzed: 0,
      flagged: 0,
      spans: 0,
      flagsByDetector: { silent_failure: 0, tool_loop: 0, latency_spike: 0 },
      newFlags: 0,
      suppressed: 0,
      detectorFailures: 0,
      slices: 0,
      maxSliceMs: 0,
      elapsedMs: 0,
    };
    await refreshSuppressions();
    let after: { startNs: bigint; traceId: string } | undefined;
    let committing: Promise<void> | null = null;
    for (;;) {
      const nowMs = now();
      const batch = await analysis.listPending({
        idleBeforeMs: nowMs - options.idle,
        orphanBeforeMs: nowMs - options.orphanTimeout,
        force,
        limit: BATCH,
        after,
      });
      if (batch.length === 0) break;
      let next = 0;
      while (next < batch.length && !stopping) {
        // As many traces as the slice budget allows at the current pace (at least SLICE_MIN_TRACES).
        const size = Math.max(SLICE_MIN_TRACES, Math.min(SLICE_MAX_TRACES, Math.floor(options.sliceBudgetMs / traceMsEstimate)));
        const slice = batch.slice(next, next + size);
        next += slice.length;
        const last = slice[slice.length - 1]!;
        after = { startNs: last.startNs, traceId: last.traceId };
        // Judge this slice while the previous one commits; commit this one only after that
        // one is stored (a failed commit stops the pass before anything judged after it is stored).
        const judged = await judgeSlice(slice);
        if (committing !== null) await committing;
        committing = commitSlice(judged, summary);
        committing.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        await yieldToEventLoop();
        await deferToIngest();
      }
      if (committing !== null) {
        await committing;
        committing = null;
      }
      // The lag is measured after every batch too: a long pass over a backlog must not leave it at its last (0) value.
      await updateLagMetrics();
      if (stopping || batch.length < BATCH) break;
    }
    await updateLagMetrics();
    summary.elapsedMs = performance.now() - started;
    return summary;
  }

  if (dependencies.metrics !== undefined) dependencies.metrics.measureAnalysisLag = updateLagMetrics;

  /** How far analysis is behind: the oldest complete trace still waiting, and the runs not analysed yet. */
  async function updateLagMetrics(): Promise<void> {
    if (metrics === undefined) return;
    const [oldest, pending] = await Promise.all([analysis.oldestPendingReceivedMs(now() - options.idle), analysis.countPending()]);
    metrics.analysisLagSeconds.set(oldest === null ? 0 : Math.max(0, (now() - options.idle - oldest) / 1000));
    metrics.analysisPendingRuns.set(pending);
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
      return analysis.markAllPending();
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
