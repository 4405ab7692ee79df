import { configSchema } from '../../config/schema.js';
import { DETECTOR_IDS, type DetectorId } from '../../model/api.js';
import { normalizeRequest } from '../../model/normalize/normalize-span.js';
import { openDatabase } from '../../store/database.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { listFlagsForTrace } from '../../store/flag-reader.js';
import { createAnalyzer } from '../analysis-loop.js';
import type { AnalyzerOptions } from '../detector.js';
import type { GeneratedRun } from './generate-runs.js';

export interface DetectorScore {
  detector: DetectorId;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  kind: 'missed' | 'false_alarm';
  detector: DetectorId;
  traceId: string;
  scenario: string;
  dialect: string;
  /** The flag's summary for a false alarm. */
  detail: string;
}

export interface Evaluation {
  runs: number;
  spans: number;
  scores: DetectorScore[];
  misses: Miss[];
  analyzeMs: number;
}

/**
 * Ingests the generated runs the way the collector does (normalizeRequest → span writer, one
 * request per run), analyses every trace, and scores each detector per run: a run counts as
 * flagged by a detector when it has at least one flag of it.
 */
export async function evaluate(generated: readonly GeneratedRun[], options?: AnalyzerOptions): Promise<Evaluation> {
  const db = openDatabase(':memory:');
  try {
    const write = createSpanWriter(db);
    let spans = 0;
    for (const { request } of generated) {
      const normalized = normalizeRequest(request);
      spans += normalized.length;
      write(normalized, Date.now());
    }
    const analyzer = createAnalyzer(db, options ?? configSchema.parse({}).analyzer);
    const started = performance.now();
    await analyzer.analyzePending({ force: true });
    const analyzeMs = performance.now() - started;
    const misses: Miss[] = [];
    const counts = new Map<DetectorId, { tp: number; fp: number; fn: number }>(DETECTOR_IDS.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
    for (const { run } of generated) {
      const flags = listFlagsForTrace(db, run.traceId);
      for (const detector of DETECTOR_IDS) {
        const raised = flags.filter((flag) => flag.detector === detector);
        const expected = run.expected.includes(detector);
        const count = counts.get(detector)!;
        if (expected && raised.length > 0) count.tp++;
        else if (expected) {
          count.fn++;
          misses.push({ kind: 'missed', detector, traceId: run.traceId, scenario: run.scenario, dialect: run.dialect, detail: flags.map((flag) => `${flag.detector}: ${flag.summary}`).join(' | ') || '(no flags)' });
        } else if (raised.length > 0) {
          count.fp++;
          misses.push({ kind: 'false_alarm', detector, traceId: run.traceId, scenario: run.scenario, dialect: run.dialect, detail: raised[0]!.summary });
        }
      }
    }
    const scores = DETECTOR_IDS.map((detector): DetectorScore => {
      const { tp, fp, fn } = counts.get(detector)!;
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { detector, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
    });
    return { runs: generated.length, spans, scores, misses, analyzeMs };
  } finally {
    db.close();
  }
}
