import { mkdirSync, writeFileSync } from 'node:fs';
import type { PriceList } from '../model/pricing/price-list.js';
import { join, resolve } from 'node:path';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { ReportQueries, ReportStore, ReportTrigger } from '../store/api.js';
import { buildReport, makeReportId, type Report } from './build-report.js';
import { renderHtml } from './render-html.js';
import { headline, renderMarkdown } from './render-markdown.js';
import type { WebhookSender } from './webhook.js';
import { escapeSlack } from './escape.js';

/**
 * Makes one report end to end: build → render (JSON, HTML, Markdown) → store (table `reports`)
 * → write `<dir>/<id>.{html,md,json}` → hand to the webhook (async; never awaited here). The
 * report is stored before any delivery is tried, so a failed delivery never loses it.
 */

export interface ReportMakerOptions {
  /** Where reports are stored (store/api.ts). */
  store: ReportStore;
  /** What reports are built from (store/api.ts). */
  queries: ReportQueries;
  /** Base URL of the web view; a function when it is known only once the server listens. */
  publicUrl: string | (() => string);
  /** Folder the renderings are written to; '' writes none. */
  dir: string;
  logger: Logger;
  metrics?: Metrics;
  /** Webhook for reports; omitted or url '' sends none. */
  webhook?: { sender: WebhookSender; url: string; format: 'json' | 'slack' };
  latency?: { regressionRatio: number; minDeltaMs: number };
  /** Model prices for the report's cost section (the repo's table when omitted). */
  prices?: PriceList;
  now?: () => number;
}

export interface MadeReport {
  id: string;
  report: Report;
  html: string;
  markdown: string;
  json: string;
  filePath: string | null;
}

/** Resolves once the report is stored and written; its webhook delivery goes on in the background. */
export type MakeReport = (request: { sinceMs: number; untilMs: number; trigger: ReportTrigger }) => Promise<MadeReport>;

export interface ReportMaker extends MakeReport {
  /**
   * Resolves once every delivery state reported so far is recorded in the store (never rejects):
   * await it after the webhook sender stops and before the storage closes.
   */
  settled(): Promise<void>;
}

export function createReportMaker(options: ReportMakerOptions): ReportMaker {
  const now = options.now ?? Date.now;
  // Delivery states are recorded one after another, in the order the sender reports them.
  let recorded = Promise.resolve();
  const make: MakeReport = async ({ sinceMs, untilMs, trigger }) => {
    const createdAtMs = now();
    const id = makeReportId(untilMs);
    const report = await buildReport(options.queries, {
      id,
      sinceMs,
      untilMs,
      nowMs: createdAtMs,
      publicUrl: typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl,
      latencyRegressionRatio: options.latency?.regressionRatio,
      latencyMinDeltaMs: options.latency?.minDeltaMs,
      prices: options.prices,
    });
    const json = JSON.stringify(report, null, 2);
    const html = renderHtml(report);
    const markdown = renderMarkdown(report);
    const webhook = options.webhook !== undefined && options.webhook.url !== '' ? options.webhook : undefined;
    await options.store.insertReport({
      id,
      createdAtMs,
      sinceMs,
      untilMs,
      trigger,
      summary: report.summary,
      bodyJson: json,
      bodyHtml: html,
      bodyMd: markdown,
      deliveryStatus: webhook ? 'pending' : 'none',
    });
    options.metrics?.reportsMade.inc({ trigger });

    let filePath: string | null = null;
    if (options.dir !== '') {
      try {
        mkdirSync(options.dir, { recursive: true });
        const base = join(options.dir, id);
        writeFileSync(`${base}.html`, html);
        writeFileSync(`${base}.md`, markdown);
        writeFileSync(`${base}.json`, json);
        filePath = resolve(`${base}.html`);
        await options.store.setReportFilePath(id, filePath);
      } catch (error) {
        // The report is stored; a full disk or a bad folder must not lose it.
        options.logger.error({ err: error, dir: options.dir, id }, 'could not write the report files');
      }
    }
    options.logger.info({ id, trigger, since: report.period.since, until: report.period.until, ...report.summary }, 'report made');

    if (webhook) {
      webhook.sender.enqueue({
        kind: 'report',
        url: webhook.url,
        body: webhook.format === 'slack' ? { text: slackText(report) } : reportPayload(report, markdown),
        onProgress: (state) => {
          const delivery = { status: state.status, attempts: state.attempts, error: state.error, atMs: state.status === 'pending' ? null : now() };
          recorded = recorded
            .then(() => options.store.updateReportDelivery(id, delivery))
            .catch((error: unknown) => options.logger.warn({ err: error, id }, 'could not record the report delivery'));
        },
      });
    }
    return { id, report, html, markdown, json, filePath };
  };
  return Object.assign(make, { settled: () => recorded });
}

/** The JSON webhook body for a report. */
export function reportPayload(report: Report, markdown: string): unknown {
  return {
    kind: 'report',
    id: report.id,
    url: report.links.report,
    period: report.period,
    summary: report.summary,
    text: headline(report).replace(/\*\*/g, ''),
    markdown,
    report,
  };
}

/** The Slack-compatible `{text}` for a report: the headline, the new signatures, the link. */
export function slackText(report: Report): string {
  const lines = [`*tracehound report* ${report.period.since.slice(0, 16)} → ${report.period.until.slice(0, 16)} UTC`, headline(report).replace(/\*\*/g, '*')];
  for (const item of report.signatures.filter((signature) => signature.isNew).slice(0, 5)) {
    lines.push(`• NEW ${item.severity} ${item.detector}${item.agent ? ` on ${escapeSlack(item.agent, 60)}` : ''}: ${escapeSlack(item.exampleSummary, 160)} (<${item.link}|run>)`);
  }
  lines.push(`<${report.links.report}|Open the report>`);
  return lines.join('\n');
}
