import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientTestService, type ClientTestService } from '../test/clients/support/client-test-service.js';
import { planDemoRuns } from './demo-plan.js';
import { runDemo, type DemoSummary } from './run-demo.js';
import { EXPECTED_DETECTOR, type Scenario } from './run-script.js';

/**
 * The demo against a real tracehound: every run arrives, and after analysis each failure
 * scenario carries the flag it was made to show while ordinary runs stay (almost) clean.
 */
const OPTIONS = { runs: 120, seed: 42, days: 3, nowMs: Date.now() };
let service: ClientTestService;
let summary: DemoSummary;

beforeAll(async () => {
  service = await startClientTestService();
  summary = await runDemo({ ...OPTIONS, endpoint: service.url });
  console.log(`[demo] ${summary.runs} runs, ${summary.spans} spans sent in ${summary.durationMs} ms`);
});
afterAll(async () => {
  await service.stop();
});

describe('tracehound demo', () => {
  it('sends every span of every run', async () => {
    expect(summary.export).toMatchObject({ exportedSpans: summary.spans, failedSpans: 0 });
    expect(await service.runs()).toHaveLength(OPTIONS.runs);
  });

  it('gets each failure scenario flagged by its detector and leaves ordinary runs unflagged', async () => {
    const analyzeStartMs = performance.now();
    await service.analyze();
    console.log(`[demo] analysed in ${(performance.now() - analyzeStartMs).toFixed(0)} ms`);
    const scenarioOf = new Map(planDemoRuns(OPTIONS).map((script) => [script.conversationId, script.scenario]));
    const outcomes = new Map<Scenario, { runs: number; expected: number; detectors: Record<string, number> }>();
    for (const run of await service.runs()) {
      const scenario = scenarioOf.get(run.sessionId ?? '');
      expect(scenario, `run ${run.traceId} (session ${run.sessionId}) is not a demo run`).toBeDefined();
      const outcome = outcomes.get(scenario!) ?? { runs: 0, expected: 0, detectors: {} };
      outcome.runs++;
      const detectors = new Set(run.flags.map((flag) => flag.detector));
      if (EXPECTED_DETECTOR[scenario!] !== null && detectors.has(EXPECTED_DETECTOR[scenario!]!)) outcome.expected++;
      for (const detector of detectors) outcome.detectors[detector] = (outcome.detectors[detector] ?? 0) + 1;
      outcomes.set(scenario!, outcome);
    }
    console.log('[demo] outcomes by scenario', JSON.stringify(Object.fromEntries(outcomes)));
    for (const [scenario, outcome] of outcomes) {
      if (EXPECTED_DETECTOR[scenario] !== null) expect(outcome.expected, `${scenario} runs flagged ${EXPECTED_DETECTOR[scenario]}`).toBe(outcome.runs);
    }
    const normal = outcomes.get('normal')!;
    const flaggedNormal = Object.values(normal.detectors).reduce((sum, count) => sum + count, 0);
    expect(flaggedNormal).toBeLessThanOrEqual(Math.ceil(normal.runs * 0.05));
  });
});
