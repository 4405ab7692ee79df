import type { DetectorScore } from '../evaluate.js';
import type { RealEvaluation } from './evaluate-real.js';

function row(score: DetectorScore): string {
  return `${score.detector.padEnd(16)} ${score.precision.toFixed(3).padStart(9)} ${score.recall.toFixed(3).padStart(7)} ${score.f1.toFixed(3).padStart(6)}   (${score.truePositives}/${score.falsePositives}/${score.falseNegatives})`;
}

/** The `npm run eval -- --real` report: scores per split, per corpus, and the worst misses of each split. */
export function printRealEvaluation(result: RealEvaluation, missesPerDetector: number, log: (line: string) => void = console.log): void {
  log(`${result.runs} real runs replayed as OTLP (${result.spans} spans), analysed in ${(result.analyzeMs / 1000).toFixed(2)} s`);
  log('sources: mini-swe-agent on SWE-bench Verified, Who&When (Magentic-One, AG2), AgentRx tau-bench retail, tau-bench airline (../shared/corpora)');
  log('latency_spike is scored only on runs with real times (mini-swe-agent).');
  for (const split of ['dev', 'holdout'] as const) {
    log(`\n${split}: detector         precision  recall     F1   (TP/FP/FN)`);
    for (const score of result.scores[split]) log(`     ${row(score)}`);
    for (const [corpus, scores] of Object.entries(result.byCorpus[split])) {
      log(`  ${corpus}: ${scores.map((score) => `${score.detector} ${score.truePositives}/${score.falsePositives}/${score.falseNegatives}`).join(', ')}`);
    }
  }
  for (const split of ['dev', 'holdout'] as const) {
    log(`\nworst misses on ${split} (up to ${missesPerDetector} per detector and kind):`);
    const groups = new Map<string, RealEvaluation['misses']>();
    for (const miss of result.misses) {
      if (miss.split !== split) continue;
      const key = `${miss.kind} ${miss.detector}`;
      groups.set(key, [...(groups.get(key) ?? []), miss]);
    }
    for (const [key, misses] of groups) {
      log(`  ${key}: ${misses.length}`);
      for (const miss of misses.slice(0, missesPerDetector)) log(`    ${miss.runId} [${miss.framework}] label: ${miss.label.slice(0, 160)} → ${miss.flags.slice(0, 200)}`);
    }
  }
}
