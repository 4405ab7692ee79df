import { DETECTOR_IDS, type DetectorId } from '../../model/api.js';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { analyseRequests, type OpenEvalStorage } from '../../analyzer/eval/evaluate.js';
import type { HeldoutRun } from './render-dialects.js';

export interface Score {
  detector: DetectorId;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface HeldoutResult {
  scores: Score[];
  /** Every miss: `missed|false_alarm detector [scenario, dialect]: flags or summary`. */
  misses: string[];
}

/**
 * Ingests the runs as the collector does (normalizeRequest → TraceWriter, one request per run)
 * into a fresh backend (default SQLite in memory; analyzer/eval's analyseRequests), analyses
 * every trace with the default analyser options, and scores each detector per run (flagged = at
 * least one flag of that detector).
 */
export async function scoreHeldout(runs: readonly HeldoutRun[], openStorage: OpenEvalStorage = () => openSqliteStorage({ path: ':memory:' })): Promise<HeldoutResult> {
  return analyseRequests(openStorage, runs.map((run) => run.request), undefined, ({ flagsOf }) => {
    const counts = new Map(DETECTOR_IDS.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
    const misses: string[] = [];
    for (const run of runs) {
      const flags = flagsOf(run.traceId);
      for (const detector of DETECTOR_IDS) {
        const raised = flags.filter((flag) => flag.detector === detector);
        const expected = run.expected.includes(detector);
        const count = counts.get(detector)!;
        if (expected && raised.length > 0) count.tp++;
        else if (expected) {
          count.fn++;
          misses.push(`missed ${detector} [${run.scenario}, ${run.dialect}]: ${flags.map((flag) => `${flag.detector}: ${flag.summary}`).join(' | ') || '(no flags)'}`);
        } else if (raised.length > 0) {
          count.fp++;
          misses.push(`false_alarm ${detector} [${run.scenario}, ${run.dialect}]: ${raised[0]!.summary}`);
        }
      }
    }
    const scores = DETECTOR_IDS.map((detector): Score => {
      const { tp, fp, fn } = counts.get(detector)!;
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { detector, tp, fp, fn, precision, recall, f1 };
    });
    return { scores, misses };
  });
}

export function formatScores(result: HeldoutResult): string {
  return result.scores
    .map((s) => `${s.detector.padEnd(15)} P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (TP ${s.tp} / FP ${s.fp} / FN ${s.fn})`)
    .join('\n');
}
