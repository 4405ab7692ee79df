import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { openConfiguredStorage } from '../open-storage.js';
import { createAnalyzer, type AnalyzeSummary } from '../../analyzer/analysis-loop.js';
import { createLogger } from '../../ops/logger.js';

export const analyzeHelp = `tracehound analyze [--db F] [--config F] [--all]

Analyses every trace not yet analysed now, complete or not, and prints a summary.
  --all        analyse every trace again (re-analysis is idempotent: flag ids and reviews survive)
  --db F       database file (default ./data/tracehound.db)
  --config F   configuration file with the analyzer section (default ./otel-config.yaml)`;

export function formatSummary(summary: AnalyzeSummary): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.spans / seconds) : summary.spans;
  const lines = [
    `analysed ${summary.analyzed} trace(s), ${summary.spans} span(s) in ${seconds.toFixed(2)} s (${rate} spans/s)`,
    `flagged ${summary.flagged} trace(s); flags now on them: ${Object.entries(summary.flagsByDetector)
      .map(([detector, count]) => `${detector} ${count}`)
      .join(', ')}`,
    `new flags ${summary.newFlags}, suppressed ${summary.suppressed}${summary.detectorFailures > 0 ? `, detector failures ${summary.detectorFailures} (see the log)` : ''}`,
  ];
  return lines.join('\n');
}

/** `tracehound analyze`: one pass over pending traces (every trace with --all). */
export async function analyzeCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, config: { type: 'string' }, all: { type: 'boolean', default: false } },
    strict: true,
  });
  const config = loadConfig({ configPath: values.config, overrides: { 'storage.path': values.db } });
  const storage = await openConfiguredStorage(config, { existing: { fromFlag: values.db !== undefined } });
  try {
    const logger = createLogger(config.logging.level === 'info' ? 'warn' : config.logging.level);
    const analyzer = createAnalyzer(storage, config.analyzer, { logger });
    if (values.all) await analyzer.markAllPending();
    const summary = await analyzer.analyzePending({ force: true });
    console.log(formatSummary(summary));
  } finally {
    await storage.close();
  }
}
