import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { hexId, makeSpan } from '../../test/support/normalized-spans.js';
import { buildAnalysisTrace } from '../analysis-trace.js';
import type { DetectorContext, LatencyBaseline } from '../detector.js';
import { latencySpikeDetector } from './latency-spike.js';

const options = configSchema.parse({}).analyzer;

function baseline(medianMs: number, n = 50, spread = 0.2): LatencyBaseline {
  return { n, medianMs, medianLn: Math.log(medianMs), madLn: spread, p95Ms: medianMs * 1.6, rankOf: () => 1 };
}

function detect(toolMs: number, baselines: Record<string, LatencyBaseline | null>) {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', durationMs: toolMs + 1000 });
  const tool = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool search', operation: 'tool:search', durationMs: toolMs, tool: { name: 'search', arguments: '{}', result: '[]' } });
  const context: DetectorContext = { options, latencyBaseline: (key) => baselines[key] ?? null };
  return latencySpikeDetector.detect(buildAnalysisTrace(traceId, [root, tool]), context);
}

describe('latency_spike detector', () => {
  it('flags a tool call ten times slower than its baseline, with the baseline as evidence', () => {
    const drafts = detect(8000, { 'step|test-agent|tool:search': baseline(800) });
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.evidence).toMatchObject({ rule: 'step', operation: 'tool:search', baseline: { samples: 50, medianMs: 800 } });
    expect(drafts[0]!.summary).toContain('10× slower');
  });

  it('does not judge before the baseline has enough samples', () => {
    expect(detect(8000, { 'step|test-agent|tool:search': baseline(800, options.latencySpike.minSamples - 1) })).toEqual([]);
  });

  it('does not flag tiny durations however large the ratio (2 ms → 9 ms)', () => {
    expect(detect(9, { 'step|test-agent|tool:search': baseline(2) })).toEqual([]);
  });

  it('does not flag an always-slow tool at its usual speed', () => {
    expect(detect(9500, { 'step|test-agent|tool:search': baseline(9000) })).toEqual([]);
  });

  it('does not flag a variation inside a wide spread', () => {
    expect(detect(4000, { 'step|test-agent|tool:search': baseline(1000, 50, 1.0) })).toEqual([]);
  });
});

describe('latency_spike detector, noisy histories', () => {
  it('flags an order-of-magnitude jump far beyond the p95 even when a short, noisy history keeps the score low', () => {
    const noisy = { ...baseline(1000, 25, 0.8), p95Ms: 2600 };
    expect(detect(13_000, { 'step|test-agent|tool:search': noisy }).map((draft) => draft.evidence.rule)).toEqual(['step']);
    expect(detect(9_000, { 'step|test-agent|tool:search': { ...noisy, p95Ms: 5000 } })).toEqual([]);
  });

  it('flags a step over 5× its median and over 10 s even when the history is too wide for the score (a clear spike)', () => {
    const wide = { ...baseline(1000, 25, 0.8), p95Ms: 5000 };
    const drafts = detect(13_000, { 'step|test-agent|tool:search': wide });
    expect(drafts.map((draft) => draft.evidence.rule)).toEqual(['step']);
    expect(drafts[0]!.evidence.score).toBeLessThan(options.latencySpike.threshold);
  });
});

describe('latency_spike detector, clear spikes of model calls', () => {
  function detectModel(durationMs: number, outputTokens: number) {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', durationMs: durationMs + 1000 });
    const llm = { model: 'm', provider: null, inputTokens: 100, outputTokens, finishReason: 'stop', outputText: 'ok', toolCallNames: [] };
    const call = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'llm', name: 'chat m', operation: 'llm:m', durationMs, llm });
    // Model calls of 4 s for ~100 output tokens (33 ms per token), on a wide history.
    const baselines: Record<string, LatencyBaseline> = {
      'step|test-agent|llm:m': { ...baseline(4000, 200, 0.7), p95Ms: 20_000 },
      'steptok|test-agent|llm:m': { ...baseline(33, 200, 0.7), p95Ms: 150 },
    };
    const context: DetectorContext = { options, latencyBaseline: (key) => baselines[key] ?? null };
    return latencySpikeDetector.detect(buildAnalysisTrace(traceId, [root, call]), context);
  }

  it('flags a 30 s call that wrote a short reply (slow per token too)', () => {
    expect(detectModel(30_000, 40).map((draft) => draft.evidence.rule)).toEqual(['step']);
  });

  it('does not flag a 30 s call that wrote a reply long enough to explain the wait', () => {
    expect(detectModel(30_000, 800)).toEqual([]);
  });

  it('does not flag a 9 s call on a history this wide (under 10 s, score under the threshold)', () => {
    expect(detectModel(9_000, 40)).toEqual([]);
  });
});

/** A rank function (fraction of samples shorter) interpolated linearly between [ms, rank] points. */
function piecewiseRank(points: [number, number][]): (ms: number) => number {
  return (ms) => {
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1]!;
      const [x1, y1] = points[i]!;
      if (ms <= x1) return y0 + ((y1 - y0) * (ms - x0)) / (x1 - x0);
    }
    return 1;
  };
}

describe('latency_spike detector, spread of the baseline', () => {
  it('still flags a spike when earlier spikes (a few percent of the history) raised the p95', () => {
    const rank = piecewiseRank([[0, 0], [1000, 0.5], [1400, 0.92], [7900, 0.94], [8100, 0.99], [1e9, 1]]);
    const contaminated: LatencyBaseline = { n: 60, medianMs: 1000, medianLn: Math.log(1000), madLn: 0.2, p95Ms: 8000, rankOf: rank };
    expect(detect(7500, { 'step|test-agent|tool:search': contaminated }).map((draft) => draft.evidence.rule)).toEqual(['step']);
  });

  it('does not flag a call inside the spread its p90 shows when the MAD came out small', () => {
    const rank = piecewiseRank([[0, 0], [1000, 0.5], [2600, 0.9], [3200, 0.95], [1e9, 1]]);
    const bunched: LatencyBaseline = { n: 14, medianMs: 1000, medianLn: Math.log(1000), madLn: 0.15, p95Ms: 3200, rankOf: rank };
    expect(detect(3600, { 'step|test-agent|tool:search': bunched })).toEqual([]);
  });
});

describe('latency_spike detector, tool calls with child spans', () => {
  it('judges a tool call that has an HTTP client span under it, and not the HTTP span', () => {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', durationMs: 9000 });
    const tool = makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool search', operation: 'tool:search', durationMs: 8000, tool: { name: 'search', arguments: '{}', result: '[]' } });
    const http = makeSpan({ traceId, parentSpanId: tool.spanId, kind: 'other', name: 'GET', operation: 'span:GET', durationMs: 7900 });
    const baselines: Record<string, LatencyBaseline> = { 'step|test-agent|tool:search': baseline(800), 'step|test-agent|span:GET': baseline(100) };
    const context: DetectorContext = { options, latencyBaseline: (key) => baselines[key] ?? null };
    const drafts = latencySpikeDetector.detect(buildAnalysisTrace(traceId, [root, tool, http]), context);
    expect(drafts.map((draft) => (draft.evidence.rule === 'step' ? draft.evidence.operation : draft.evidence.rule))).toEqual(['tool:search']);
  });
});

describe('latency_spike detector, whole runs', () => {
  function detectRun(rootMs: number, steps: number, baselines: Record<string, LatencyBaseline | null>) {
    const traceId = hexId(16);
    const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', durationMs: rootMs });
    const children = Array.from({ length: steps }, (_, i) =>
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool t', operation: 'tool:t', startMs: 1_700_000_000_000 + i, durationMs: 100, tool: { name: 't', arguments: `{"i":${i}}`, result: '1' } }),
    );
    const context: DetectorContext = { options, latencyBaseline: (key) => baselines[key] ?? null };
    return latencySpikeDetector.detect(buildAnalysisTrace(traceId, [root, ...children]), context);
  }
  const runBaselines = { 'run|test-agent|a|invoke_agent a': baseline(5000), 'runstep|test-agent|a|invoke_agent a': baseline(1000) };

  it('flags a run far slower than its history for as many steps', () => {
    const drafts = detectRun(40_000, 4, runBaselines);
    expect(drafts.map((draft) => draft.evidence.rule)).toEqual(['run']);
  });

  it('does not flag a run that is long because it did more steps', () => {
    expect(detectRun(40_000, 39, runBaselines)).toEqual([]);
  });
});
