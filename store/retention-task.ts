import type { LeaseStore, Maintenance, RetentionPolicy } from './api.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ops/logger.js';

export interface RetentionTaskOptions extends RetentionPolicy {
  /** Milliseconds between passes. */
  interval: number;
  /** Milliseconds before the first pass. Default min(interval, 30 s). */
  firstDelayMs?: number;
  metrics?: Metrics;
  logger?: Logger;
  /**
   * With several processes on one backend: each interval's pass is made by the one granted the
   * lease `retention:<interval number>`; the others skip it.
   */
  lease?: { leases: LeaseStore; holder: string };
}

/**
 * The retention BackgroundTask of `tracehound serve`, on any backend (Maintenance.runRetention):
 * a pass every `interval` (timers are unref'd, passes never overlap), counting deleted runs and
 * spans and the database size in the metrics. `stop()` makes a running pass end after its current
 * delete unit and resolves when it has ended. With neither limit set a pass only measures the size.
 */
export function startRetention(maintenance: Maintenance, options: RetentionTaskOptions): { stop(): Promise<void> } {
  const { metrics, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    const started = performance.now();
    try {
      if (options.lease !== undefined) {
        const slot = Math.floor(Date.now() / Math.max(1, options.interval));
        if (!(await options.lease.leases.claimLease(`retention:${slot}`, options.lease.holder, options.interval))) return;
      }
      const result = await maintenance.runRetention(options, {
        shouldStop: () => stopped,
        onDeleted: (reason, runs, spans) => {
          metrics?.retentionDeletedRuns.inc({ reason }, runs);
          metrics?.retentionDeletedSpans.inc(spans);
        },
      });
      metrics?.databaseBytes.set({ kind: 'data' }, result.dataBytes);
      metrics?.databaseBytes.set({ kind: 'file' }, result.fileBytes);
      metrics?.retentionPassSeconds.observe((performance.now() - started) / 1000);
      if (result.deletedRuns > 0) logger?.info({ retention: result }, 'retention pass deleted old runs');
    } catch (error) {
      logger?.error({ err: error }, 'retention pass failed');
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule(options.interval);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? Math.min(options.interval, 30_000));
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
