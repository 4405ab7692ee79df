/**
 * `npm run eval [-- --runs N --seed S --days D]`: generates labelled runs in all four dialects,
 * analyses them, and prints precision, recall and F1 per detector and the worst misses.
 * `npm run eval -- --real [--misses N]`: the same for the real agent runs of ../shared/corpora
 * (analyzer/eval/real/), per split (dev, holdout).
 * `--backend clickhouse`: on ClickHouse instead of SQLite in memory, a fresh database per
 * evaluation, on the cluster named by TRACEHOUND_CLICKHOUSE_URLS / TRACEHOUND_CLICKHOUSE_CLUSTER
 * or, when unset, on a 2 × 2 test cluster that `scripts/clickhouse-cluster.ts` starts for the
 * evaluation and stops after it.
 *
 * The eval's composition root (package.json names this file): it alone chooses the backend.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { openClickHouseStorage } from '../../store/clickhouse/open-clickhouse-storage.js';
import { generateRuns } from './generate-runs.js';
import { evaluate, type OpenEvalStorage } from './evaluate.js';
import { evaluateReal } from './real/evaluate-real.js';
import { printRealEvaluation } from './real/print-real-evaluation.js';

const REPO = join(import.meta.dirname, '..', '..');

/** Runs scripts/clickhouse-cluster.ts (start|stop DIR) as its own process; throws with its output when it fails. */
function clusterScript(command: 'start' | 'stop', dir: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'clickhouse-cluster.ts'), command, dir], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`clickhouse-cluster ${command} failed: ${result.stderr || result.stdout}`);
}

/** A fresh ClickHouse database per evaluation, on the given cluster or on one started here. */
function clickHouseBackend(): { open: OpenEvalStorage; stop(): void } {
  let urls = (process.env.TRACEHOUND_CLICKHOUSE_URLS ?? '').split(',').filter((url) => url !== '');
  let cluster = process.env.TRACEHOUND_CLICKHOUSE_CLUSTER ?? '';
  let started: string | null = null;
  if (urls.length === 0) {
    started = mkdtempSync(join(tmpdir(), 'tracehound-eval-ch-'));
    clusterScript('start', started);
    const info = JSON.parse(readFileSync(join(started, 'cluster.json'), 'utf8')) as { urls: string[]; cluster: string };
    urls = info.urls;
    cluster = info.cluster;
    console.log(`ClickHouse test cluster started in ${started}`);
  }
  let next = 0;
  const prefix = `eval_${Date.now()}`;
  return {
    open: () => openClickHouseStorage({ urls, cluster, database: `${prefix}_${next++}`, user: process.env.TRACEHOUND_CLICKHOUSE_USER ?? 'default', password: process.env.TRACEHOUND_CLICKHOUSE_PASSWORD ?? '' }),
    stop: () => {
      if (started === null) return;
      clusterScript('stop', started);
      // Many small part files: removed by a detached `rm` so the eval's exit does not wait.
      spawn('rm', ['-rf', started], { detached: true, stdio: 'ignore' }).unref();
    },
  };
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1600' },
    seed: { type: 'string', default: '7' },
    days: { type: 'string', default: '4' },
    misses: { type: 'string', default: '15' },
    real: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'sqlite' },
  },
});
if (values.backend !== 'sqlite' && values.backend !== 'clickhouse') {
  console.error(`--backend ${values.backend}: sqlite or clickhouse`);
  process.exit(2);
}
const clickhouse = values.backend === 'clickhouse' ? clickHouseBackend() : null;
const inMemory: OpenEvalStorage = clickhouse?.open ?? (() => openSqliteStorage({ path: ':memory:' }));
process.on('exit', () => clickhouse?.stop());
console.log(`backend: ${values.backend}`);
if (values.real) {
  printRealEvaluation(await evaluateReal(inMemory), Number(values.misses === '15' ? '8' : values.misses));
  process.exit(0);
}
const generated = generateRuns({ runs: Number(values.runs), seed: Number(values.seed), days: Number(values.days) });
const result = await evaluate(inMemory, generated);

const scenarios = new Map<string, number>();
for (const { run } of generated) scenarios.set(run.scenario, (scenarios.get(run.scenario) ?? 0) + 1);
console.log(`${result.runs} runs, ${result.spans} spans, 4 dialects, analysed in ${(result.analyzeMs / 1000).toFixed(2)} s`);
console.log(`scenarios: ${[...scenarios].sort().map(([name, count]) => `${name} ${count}`).join(', ')}\n`);
console.log('detector         precision  recall     F1   (TP/FP/FN)');
for (const score of result.scores) {
  console.log(
    `${score.detector.padEnd(16)} ${score.precision.toFixed(3).padStart(9)} ${score.recall.toFixed(3).padStart(7)} ${score.f1.toFixed(3).padStart(6)}   (${score.truePositives}/${score.falsePositives}/${score.falseNegatives})`,
  );
}
const limit = Number(values.misses);
const byScenario = new Map<string, number>();
for (const miss of result.misses) byScenario.set(`${miss.kind} ${miss.detector} on ${miss.scenario}`, (byScenario.get(`${miss.kind} ${miss.detector} on ${miss.scenario}`) ?? 0) + 1);
console.log(`\nmisses by scenario: ${byScenario.size === 0 ? 'none' : ''}`);
for (const [key, count] of [...byScenario].sort((a, b) => b[1] - a[1])) console.log(`  ${count} × ${key}`);
console.log(`\nworst misses (first ${limit}):`);
for (const miss of result.misses.slice(0, limit)) console.log(`  ${miss.kind} ${miss.detector} [${miss.scenario}, ${miss.dialect}] ${miss.traceId}: ${miss.detail.slice(0, 200)}`);
