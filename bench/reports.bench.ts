/**
 * Cost of the nightly report: build (all aggregations in SQLite) and render HTML + Markdown,
 * over eight days of realistic runs (scripts/make-sample-report.ts), at several sizes; and the
 * longest the event loop waits while `tracehound serve` builds one (buildReport yields between
 * queries).
 */
import { openDatabase } from '../store/sqlite/database.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildReport } from '../reports/build-report.js';
import { renderHtml } from '../reports/render-html.js';
import { renderMarkdown } from '../reports/render-markdown.js';
import { SAMPLE_NOW_MS, seedSampleData } from '../scripts/make-sample-report.js';

export default async function reportsBench({ quick }: { quick: boolean }): Promise<void> {
  for (const scale of quick ? [1, 5] : [1, 10, 40]) {
    const db = openDatabase(':memory:');
    const seeded = seedSampleData(db, SAMPLE_NOW_MS, 7, scale);
    const spans = (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
    const queries = createSqliteStorage(db, { path: ':memory:' }).reportQueries;
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const report = await buildReport(queries, { id: 'bench', sinceMs: SAMPLE_NOW_MS - 86_400_000, untilMs: SAMPLE_NOW_MS, nowMs: SAMPLE_NOW_MS, publicUrl: 'http://127.0.0.1:4318' });
      const html = renderHtml(report);
      const markdown = renderMarkdown(report);
      times.push(performance.now() - started);
      bytes = html.length + markdown.length;
    }
    times.sort((a, b) => a - b);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await buildReport(queries, { id: 'bench', sinceMs: SAMPLE_NOW_MS - 86_400_000, untilMs: SAMPLE_NOW_MS, nowMs: SAMPLE_NOW_MS, publicUrl: 'http://127.0.0.1:4318' });
    delay.disable();
    console.log(
      `reports: ${seeded.runs} runs / ${spans} spans over 8 days: build + render ${times[1]!.toFixed(0)} ms (median of 3), html+md ${(bytes / 1024).toFixed(0)} KiB; in serve the event loop waits at most ${(delay.max / 1e6).toFixed(0)} ms`,
    );
    db.close();
  }
}
