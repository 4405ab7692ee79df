import type { NormalizedSpan } from '../../model/span.js';

/**
 * Spans for the conformance cases, built from scratch (no randomness, no test helpers), so the
 * same case writes the same bytes on every backend.
 */

export const T0_MS = Date.UTC(2026, 0, 1, 12);

/** A 32-hex trace id from a small number (distinct numbers give distinct, ordered ids). */
export function traceIdOf(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** A 16-hex span id from a trace number and a span number. */
export function spanIdOf(trace: number, span: number): string {
  return `${trace.toString(16).padStart(8, '0')}${span.toString(16).padStart(8, '0')}`;
}

export interface SpanSpec {
  trace: number;
  span: number;
  parent?: number | null;
  name?: string;
  kind?: NormalizedSpan['kind'];
  startMs: number;
  durationMs: number;
  status?: NormalizedSpan['status'];
  service?: string;
  agent?: string | null;
  sessionId?: string | null;
  operation?: string;
  tool?: NormalizedSpan['tool'];
  llm?: NormalizedSpan['llm'];
  attributes?: NormalizedSpan['attributes'];
}

export function spanOf(spec: SpanSpec): NormalizedSpan {
  const start = BigInt(Math.round(spec.startMs)) * 1_000_000n;
  const end = start + BigInt(Math.round(spec.durationMs * 1_000_000));
  const kind = spec.kind ?? 'other';
  const name = spec.name ?? `${kind} ${spec.span}`;
  return {
    traceId: traceIdOf(spec.trace),
    spanId: spanIdOf(spec.trace, spec.span),
    parentSpanId: spec.parent === undefined || spec.parent === null ? null : spanIdOf(spec.trace, spec.parent),
    name,
    kind,
    otelKind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationMs: spec.durationMs,
    status: spec.status ?? 'unset',
    statusMessage: spec.status === 'error' ? 'failed' : '',
    service: spec.service ?? 'svc',
    agent: spec.agent ?? null,
    sessionId: spec.sessionId ?? null,
    operation: spec.operation ?? (spec.tool ? `tool:${spec.tool.name}` : spec.llm ? `llm:${spec.llm.model ?? ''}` : `span:${name}`),
    llm: spec.llm ?? null,
    tool: spec.tool ?? null,
    attributes: spec.attributes ?? { 'conformance.case': 'yes' },
    events: [],
    resource: { 'service.name': spec.service ?? 'svc' },
    scopeName: 'conformance',
  };
}

/**
 * A small agent run: root agent span, one model call, one tool call (optionally failed), in
 * trace `trace`, starting at `startMs`.
 */
export function agentRun(trace: number, startMs: number, options: { service?: string; agent?: string; toolStatus?: NormalizedSpan['status']; rootStatus?: NormalizedSpan['status']; toolName?: string; toolMs?: number; session?: string } = {}): NormalizedSpan[] {
  const service = options.service ?? 'svc';
  const agent = options.agent ?? 'planner';
  const toolName = options.toolName ?? 'search';
  return [
    spanOf({ trace, span: 1, name: `invoke_agent ${agent}`, kind: 'agent', agent, service, startMs, durationMs: 1000, status: options.rootStatus ?? 'ok', operation: `agent:${agent}`, sessionId: options.session ?? null }),
    spanOf({
      trace,
      span: 2,
      parent: 1,
      name: 'chat gpt-4o',
      kind: 'llm',
      agent,
      service,
      startMs: startMs + 10,
      durationMs: 300,
      llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 100, outputTokens: 20, finishReason: 'stop', outputText: 'The answer.', toolCallNames: [] },
    }),
    spanOf({
      trace,
      span: 3,
      parent: 1,
      name: `execute_tool ${toolName}`,
      kind: 'tool',
      agent,
      service,
      startMs: startMs + 400,
      durationMs: options.toolMs ?? 200,
      status: options.toolStatus ?? 'ok',
      tool: { name: toolName, arguments: '{"q":"lisbon"}', result: '["hit"]' },
    }),
  ];
}
