import type { NormalizedSpan } from '../../../model/span.js';

/** A normalised span with plain defaults; times in ms since the epoch. */
export function makeSpan(overrides: Partial<NormalizedSpan> & { traceId: string; spanId: string; startMs?: number; durationMs?: number }): NormalizedSpan {
  const startMs = overrides.startMs ?? 1_765_000_000_000;
  const durationMs = overrides.durationMs ?? 100;
  const start = BigInt(startMs) * 1_000_000n;
  const { startMs: _s, ...rest } = overrides;
  return {
    parentSpanId: null,
    name: 'agent.run',
    kind: 'agent',
    otelKind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round(durationMs * 1e6)),
    status: 'ok',
    statusMessage: '',
    service: 'svc',
    agent: 'planner',
    sessionId: null,
    operation: 'agent:planner',
    llm: null,
    tool: null,
    attributes: {},
    events: [],
    resource: { 'service.name': 'svc' },
    scopeName: 'test',
    ...rest,
    durationMs,
  };
}
