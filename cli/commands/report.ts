import { writeFileSync } from 'node:fs';
import { createPriceList } from '../../model/pricing/price-list.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { openConfiguredStorage } from '../open-storage.js';
import { createLogger } from '../../ops/logger.js';
import { parseTimeInput } from '../../model/time.js';
import { createReportMaker } from '../../reports/create-report-maker.js';
import { UsageError } from '../usage-error.js';

export const reportHelp = `tracehound report [--db F] [--since 24h] [--until T] [--format md|html|json] [--out F]

Makes one anomaly report, the same as the nightly one, stores it (GET /api/reports lists it) and
writes it to reports.dir; prints it to stdout unless --out is given. No webhook is sent.
  --since T    start of the period: ISO 8601, epoch ms, or a duration back from --until (default 24h)
  --until T    end of the period, exclusive (default now)
  --format F   md (default), html or json
  --out F      write the report to this file instead of stdout
  --db F       database file (default ./data/tracehound.db)
  --config F   configuration file (default ./otel-config.yaml)`;

/** `tracehound report`: one report for [since, until), by span timestamp. */
export async function reportCommand(argv: string[], nowMs: number = Date.now()): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      config: { type: 'string' },
      since: { type: 'string', default: '24h' },
      until: { type: 'string' },
      format: { type: 'string', default: 'md' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format!;
  if (format !== 'md' && format !== 'html' && format !== 'json') throw new UsageError(`--format: expected md, html or json, got "${format}"`);
  const untilMs = values.until === undefined ? nowMs : parseTimeInput(values.until, nowMs);
  if (untilMs === null) throw new UsageError(`--until: expected an ISO 8601 time, epoch milliseconds or a duration such as 24h, got "${values.until}"`);
  // A relative --since (24h) counts back from --until, so `--since 24h --until T` is the day before T.
  const sinceMs = parseTimeInput(values.since!, untilMs);
  if (sinceMs === null) throw new UsageError(`--since: expected an ISO 8601 time, epoch milliseconds or a duration such as 24h, got "${values.since}"`);
  if (!(untilMs > sinceMs)) throw new UsageError('--until must be after --since');

  const config = loadConfig({ configPath: values.config, overrides: { 'storage.path': values.db } });
  const storage = await openConfiguredStorage(config, { existing: { fromFlag: values.db !== undefined } });
  try {
    const logger = createLogger(config.logging.level === 'info' ? 'warn' : config.logging.level, process.stderr);
    const publicUrl = config.server.publicUrl || `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;
    const makeReport = createReportMaker({
      store: storage.reports,
      queries: storage.reportQueries,
      publicUrl,
      dir: config.reports.dir,
      logger,
      latency: { regressionRatio: config.reports.latencyRegressionRatio, minDeltaMs: config.reports.latencyMinDelta },
      prices: createPriceList(config.pricing.models),
      now: () => nowMs,
    });
    const made = await makeReport({ sinceMs, untilMs, trigger: 'cli' });
    const text = format === 'html' ? made.html : format === 'json' ? made.json : made.markdown;
    if (values.out !== undefined) {
      writeFileSync(values.out, text);
      console.error(`tracehound report: wrote report ${made.id} to ${values.out}`);
    } else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  } finally {
    await storage.close();
  }
}
