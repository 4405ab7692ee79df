/**
 * `npm run eval [-- --runs N --seed S --days D]`: generates labelled runs in all four dialects,
 * analyses them, and prints precision, recall and F1 per detector and the worst misses.
 * `npm run eval -- --real [--misses N]`: the same for the real agent runs of ../shared/corpora
 * (analyzer/eval/real/), per split (dev, holdout).
 *
 * The eval's composition root (package.json names this file): it alone chooses the backend,
 * SQLite in memory, a fresh one per evaluation.
 */
import { parseArgs } from 'node:util';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { generateRuns } from './generate-runs.js';
import { evaluate } from './evaluate.js';
import { evaluateReal } from './real/evaluate-real.js';
import { printRealEvaluation } from './real/print-real-evaluation.js';

const inMemory = () => openSqliteStorage({ path: ':memory:' });
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1600' },
    seed: { type: 'string', default: '7' },
    days: { type: 'string', default: '4' },
    misses: { type: 'string', default: '15' },
    real: { type: 'boolean', default: false },
  },
});
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
