import { describe, expect, it } from 'vitest';
import { planDemoRuns } from './demo-plan.js';
import { SCENARIOS } from './run-script.js';

const NOW_MS = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('planDemoRuns', () => {
  it('gives the same runs for the same seed and different runs for another', () => {
    const a = planDemoRuns({ runs: 60, seed: 7, days: 3, nowMs: NOW_MS });
    expect(planDemoRuns({ runs: 60, seed: 7, days: 3, nowMs: NOW_MS })).toEqual(a);
    expect(planDemoRuns({ runs: 60, seed: 8, days: 3, nowMs: NOW_MS })).not.toEqual(a);
  });

  it('covers every scenario in the default 120 runs, oldest first, all ending before now', () => {
    const runs = planDemoRuns({ runs: 120, seed: 42, days: 3, nowMs: NOW_MS });
    expect(runs).toHaveLength(120);
    expect(new Set(runs.map((run) => run.scenario))).toEqual(new Set(SCENARIOS));
    expect(runs.map((run) => run.startMs)).toEqual([...runs.map((run) => run.startMs)].sort((x, y) => x - y));
    for (const run of runs) {
      const endMs = run.startMs + run.steps.reduce((sum, step) => sum + step.durationMs + 4, 0);
      expect(endMs).toBeLessThan(NOW_MS);
      expect(run.startMs).toBeGreaterThanOrEqual(NOW_MS - 3 * 24 * 3_600_000);
    }
  });

  it('places latency spikes after at least ten ordinary runs of the same agent', () => {
    const runs = planDemoRuns({ runs: 120, seed: 42, days: 3, nowMs: NOW_MS });
    for (const spike of runs.filter((run) => run.scenario === 'latency_spike')) {
      const earlier = runs.filter((run) => run.agent === spike.agent && run.scenario === 'normal' && run.startMs < spike.startMs);
      expect(earlier.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('makes runs with no final answer only where the scenario says so', () => {
    const runs = planDemoRuns({ runs: 120, seed: 42, days: 3, nowMs: NOW_MS });
    for (const run of runs) {
      const last = run.steps[run.steps.length - 1]!;
      if (run.scenario === 'ends_on_tool_call' || run.scenario === 'loud_error') expect(last.type).toBe('tool');
      else expect(last).toMatchObject({ type: 'llm' });
    }
  });
});
