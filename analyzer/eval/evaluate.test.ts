import { describe, expect, it } from 'vitest';
import { generateRuns } from './generate-runs.js';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { evaluate } from './evaluate.js';

describe('labelled evaluation (small)', () => {
  it('keeps every detector at F1 ≥ 0.9 on generated runs in all four dialects', async () => {
    const generated = generateRuns({ runs: 480, seed: 11, days: 2, warmupRuns: 12 });
    expect(new Set(generated.map(({ run }) => run.dialect)).size).toBe(4);
    const result = await evaluate(() => openSqliteStorage({ path: ':memory:' }), generated);
    for (const score of result.scores) {
      expect({ detector: score.detector, f1: score.f1 >= 0.9, positives: score.truePositives + score.falseNegatives > 5 }).toEqual({
        detector: score.detector,
        f1: true,
        positives: true,
      });
    }
  });
});
