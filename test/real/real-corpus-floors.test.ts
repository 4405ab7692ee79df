import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateReal, type RealEvaluation } from '../../analyzer/eval/real/evaluate-real.js';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';

/**
 * CI floors on the real agent runs of ../shared/corpora (replayed as OTLP by
 * analyzer/eval/real/, labels in analyzer/eval/real/labels/): ingested and analysed exactly as the
 * service does (normalizeRequest → span writer → analysis loop), scored per split. The test
 * fails when a figure drops below its floor. The corpora must be present (TRACEHOUND_CORPORA or
 * ../shared/corpora); without them it fails, saying where it looked.
 */
const FLOORS = {
  dev: {
    tool_loop: { precision: 0.95, recall: 0.65 },
    silent_failure: { precision: 0.95, recall: 0.82 },
    latency_spike: { precision: 0.9, recall: 0.82 },
  },
  holdout: {
    tool_loop: { precision: 0.95, recall: 0.68 },
    silent_failure: { precision: 0.95, recall: 0.77 },
    latency_spike: { precision: 0.95, recall: 0.78 },
  },
} as const;

let result: RealEvaluation;

describe('detection on real agent runs (fixed split)', () => {
  beforeAll(async () => {
    result = await evaluateReal(() => openSqliteStorage({ path: ':memory:' }));
  }, 600_000);

  for (const split of ['dev', 'holdout'] as const) {
    for (const detector of ['tool_loop', 'silent_failure', 'latency_spike'] as const) {
      it(`${split}: ${detector} holds its precision and recall floors`, () => {
        const score = result.scores[split].find((item) => item.detector === detector)!;
        const floor = FLOORS[split][detector];
        expect(score.truePositives + score.falseNegatives, 'labelled runs to find').toBeGreaterThan(5);
        expect(score.precision, `${detector} precision on ${split} (TP/FP/FN ${score.truePositives}/${score.falsePositives}/${score.falseNegatives})`).toBeGreaterThanOrEqual(floor.precision);
        expect(score.recall, `${detector} recall on ${split} (TP/FP/FN ${score.truePositives}/${score.falsePositives}/${score.falseNegatives})`).toBeGreaterThanOrEqual(floor.recall);
      });
    }
  }
});
