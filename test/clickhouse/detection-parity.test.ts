import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectorId } from '../../model/api.js';
import { evaluate, type OpenEvalStorage } from '../../analyzer/eval/evaluate.js';
import { generateRuns } from '../../analyzer/eval/generate-runs.js';
import { evaluateReal } from '../../analyzer/eval/real/evaluate-real.js';
import { openClickHouseStorage } from '../../store/clickhouse/open-clickhouse-storage.js';
import { openSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { heldoutBehaviourRuns, heldoutLatencyRuns } from '../heldout/heldout-runs.js';
import { scoreHeldout } from '../heldout/score-heldout.js';
import { startTestCluster } from './support/test-cluster.js';

/**
 * Detection does not depend on the backend: the same runs, ingested and analysed the same way,
 * give the same F1 per detector (within 0.01) on the 18.16 cluster as on SQLite. Subsets keep
 * the file to minutes on a busy machine (analysis on ClickHouse commits each slice with quorum
 * inserts): 240 generated runs, every 6th held-out behaviour and latency run (108 of 644; no
 * SDK-made runs), and the 150 real mini-swe-agent runs (the corpus with real times, so latency
 * baselines are compared too). `npm run eval -- --backend clickhouse [--real]` runs the full sets.
 */
const sqlite: OpenEvalStorage = () => openSqliteStorage({ path: ':memory:' });
let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
let next = 0;
const clickhouse: OpenEvalStorage = () =>
  openClickHouseStorage({ urls: cluster!.urls, cluster: cluster!.cluster, database: `parity_${next++}`, user: 'default', password: '' });

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
});

function expectSameF1(onSqlite: { detector: DetectorId; f1: number }[], onClickHouse: { detector: DetectorId; f1: number }[]): void {
  const f1 = (scores: { detector: DetectorId; f1: number }[]) => Object.fromEntries(scores.map((score) => [score.detector, score.f1]));
  const a = f1(onSqlite);
  const b = f1(onClickHouse);
  console.log(`F1 sqlite ${JSON.stringify(a)}\nF1 clickhouse ${JSON.stringify(b)}`);
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const detector of Object.keys(a)) expect(Math.abs(a[detector]! - b[detector]!), detector).toBeLessThanOrEqual(0.01);
}

describe('detection parity, ClickHouse 18.16 cluster vs SQLite', () => {
  it('generated eval (240 runs, four dialects)', async () => {
    const generated = generateRuns({ runs: 240, seed: 7, days: 4 });
    const [onSqlite, onClickHouse] = [await evaluate(sqlite, generated), await evaluate(clickhouse, generated)];
    expect(onClickHouse.spans).toBe(onSqlite.spans);
    expectSameF1(
      onSqlite.scores.map((score) => ({ detector: score.detector, f1: score.f1 })),
      onClickHouse.scores.map((score) => ({ detector: score.detector, f1: score.f1 })),
    );
  }, 600_000);

  it('held-out runs (every 6th behaviour and latency run)', async () => {
    const now = Date.now();
    const runs = [...heldoutBehaviourRuns(now), ...heldoutLatencyRuns(now)].filter((_, index) => index % 6 === 0);
    const [onSqlite, onClickHouse] = [await scoreHeldout(runs, sqlite), await scoreHeldout(runs, clickhouse)];
    expectSameF1(onSqlite.scores, onClickHouse.scores);
  }, 600_000);

  it('real-trace eval (mini-swe-agent, dev and holdout)', async () => {
    const [onSqlite, onClickHouse] = [await evaluateReal(sqlite, undefined, ['mini-swe-agent']), await evaluateReal(clickhouse, undefined, ['mini-swe-agent'])];
    expect(onSqlite.runs).toBeGreaterThan(0);
    for (const split of ['dev', 'holdout'] as const) {
      expectSameF1(
        onSqlite.scores[split].map((score) => ({ detector: score.detector, f1: score.f1 })),
        onClickHouse.scores[split].map((score) => ({ detector: score.detector, f1: score.f1 })),
      );
    }
  }, 900_000);
});
