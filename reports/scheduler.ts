import { Cron } from 'croner';
import type { Logger } from '../ops/logger.js';

/**
 * The nightly report schedule: a croner job that calls `run` at each time the cron expression
 * names, read in `timezone` (an IANA name; DST handled by croner: a time that does not exist
 * runs at the first valid time after it, a repeated time runs once). A run still going when the
 * next is due is skipped, not stacked; a run that throws is logged and the schedule goes on.
 */

export interface ReportSchedulerOptions {
  /** Cron expression, 5 fields (minute precision) or 6 (with seconds). */
  schedule: string;
  /** IANA time zone, e.g. UTC or Europe/Berlin. */
  timezone: string;
  /** Makes the report; `firedAtMs` is the scheduled instant (epoch ms, whole seconds). */
  run: (firedAtMs: number) => Promise<unknown> | unknown;
  logger: Logger;
}

export interface ReportScheduler {
  /** The next scheduled instant after `from` (default now), or null when there is none. */
  nextRunAfter(from?: Date): Date | null;
  /** No further runs; resolves when a run in progress has finished. */
  stop(): Promise<void>;
}

/** Throws a RangeError naming the problem when the expression or the time zone is invalid. */
export function validateSchedule(schedule: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    const job = new Cron(schedule, { timezone, paused: true });
    job.nextRun();
    job.stop();
  } catch (error) {
    throw new RangeError(`reports.schedule "${schedule}" in time zone "${timezone}": ${(error as Error).message}`);
  }
}

export function startReportScheduler(options: ReportSchedulerOptions): ReportScheduler {
  validateSchedule(options.schedule, options.timezone);
  let running: Promise<void> = Promise.resolve();
  const job = new Cron(
    options.schedule,
    {
      timezone: options.timezone,
      protect: (blocked) => options.logger.warn({ scheduledAt: blocked.currentRun()?.toISOString() }, 'previous report still running; skipped this one'),
      catch: (error) => options.logger.error({ err: error }, 'scheduled report failed'),
      unref: true,
    },
    async (self: Cron) => {
      const scheduled = self.currentRun() ?? new Date();
      const firedAtMs = Math.floor(scheduled.getTime() / 1000) * 1000;
      const run = Promise.resolve(options.run(firedAtMs));
      running = run.then(
        () => undefined,
        () => undefined,
      );
      await run;
    },
  );
  options.logger.info({ schedule: options.schedule, timezone: options.timezone, next: job.nextRun()?.toISOString() }, 'report scheduler started');
  return {
    nextRunAfter(from) {
      return job.nextRun(from ?? null);
    },
    async stop() {
      job.stop();
      await running;
    },
  };
}
