import type { Config } from '../config/schema.js';
import { createPriceList } from '../model/pricing/price-list.js';
import type { FlagStore, LeaseStore, ReportQueries, ReportStore } from '../store/api.js';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { Flag } from '../model/api.js';
import { createAlerter, type Alerter } from './alerter.js';
import { createReportMaker, type MakeReport } from './create-report-maker.js';
import { startReportScheduler, type ReportScheduler } from './scheduler.js';
import { createWebhookSender } from './webhook.js';

/**
 * The reports feature inside `tracehound serve`: one webhook sender (bounded queue, retries)
 * shared by reports and alerts, the report maker, the nightly scheduler (when reports.enabled)
 * and the alerter (when alerts.enabled and a webhook URL is set). Stop it before the database
 * closes: pending deliveries end as failed and are recorded.
 */

export interface ReportsFeature {
  makeReport: MakeReport;
  /** For the analyser's onFlagsRaised; a no-op when alerts are off. Never rejects. */
  handleFlags(flags: Flag[]): Promise<void>;
  alerter: Alerter | null;
  scheduler: ReportScheduler | null;
  stop(): Promise<void>;
}

export interface StartReportsOptions {
  /** The backend's parts this feature uses (store/api.ts; a Storage fits). */
  storage: { reports: ReportStore; reportQueries: ReportQueries; flags: FlagStore; leases?: LeaseStore };
  /**
   * This process's name for the report lease: with several processes on one backend, each
   * scheduled report is made by the one granted `report:<scheduled instant>`. Without
   * `storage.leases`, every scheduled report is made here.
   */
  holder?: string;
  config: Config;
  logger: Logger;
  metrics?: Metrics;
  /** The web view's base URL (server.publicUrl, or http://host:port once listening). */
  publicUrl: string | (() => string);
  now?: () => number;
}

export function startReports(options: StartReportsOptions): ReportsFeature {
  const { config, logger } = options;
  const reports = config.reports;
  const sender = createWebhookSender({
    maxAttempts: reports.webhookMaxAttempts,
    backoffMs: reports.webhookBackoff,
    timeoutMs: reports.webhookTimeout,
    maxQueued: reports.webhookMaxQueued,
    logger,
    metrics: options.metrics,
  });
  const makeReport = createReportMaker({
    store: options.storage.reports,
    queries: options.storage.reportQueries,
    publicUrl: options.publicUrl,
    dir: reports.dir,
    logger,
    metrics: options.metrics,
    webhook: { sender, url: reports.webhookUrl, format: reports.webhookFormat },
    latency: { regressionRatio: reports.latencyRegressionRatio, minDeltaMs: reports.latencyMinDelta },
    prices: createPriceList(config.pricing.models),
    now: options.now,
  });
  const scheduler = reports.enabled
    ? startReportScheduler({
        schedule: reports.schedule,
        timezone: reports.timezone,
        logger,
        run: async (firedAtMs) => {
          const leases = options.storage.leases;
          if (leases !== undefined) {
            const granted = await leases.claimLease(`report:${firedAtMs}`, options.holder ?? 'tracehound', reports.period);
            if (!granted) {
              logger.info({ scheduledAt: new Date(firedAtMs).toISOString() }, 'scheduled report is made by another process');
              return;
            }
          }
          await makeReport({ sinceMs: firedAtMs - reports.period, untilMs: firedAtMs, trigger: 'schedule' });
        },
      })
    : null;
  const alertUrl = config.alerts.webhookUrl || reports.webhookUrl;
  const alertFormat = config.alerts.webhookUrl ? config.alerts.webhookFormat : reports.webhookFormat;
  const alerter =
    config.alerts.enabled && alertUrl !== ''
      ? createAlerter({
          flags: options.storage.flags,
          publicUrl: options.publicUrl,
          logger,
          minSeverity: config.alerts.minSeverity,
          dedupWindowMs: config.alerts.dedupWindow,
          maxPerHour: config.alerts.maxPerHour,
          now: options.now,
          send: (alert) => {
            sender.enqueue({ kind: 'alert', url: alertUrl, body: alertFormat === 'slack' ? { text: alert.text } : alert });
          },
        })
      : null;
  return {
    makeReport,
    handleFlags: async (flags) => alerter?.handleFlags(flags),
    alerter,
    scheduler,
    async stop() {
      await scheduler?.stop();
      await alerter?.stop();
      await sender.stop();
      await makeReport.settled();
    },
  };
}
