import type { NormalizedSpan } from '../../model/span.js';
import { durationMsBetween } from '../../model/time.js';

let counter = 0;

/** A random lowercase hex id of `bytes` bytes. */
export function hexId(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return out;
}

const DEFAULT_RESOURCE = { 'service.name': 'test-agent' };

/**
 * A NormalizedSpan for store and detector tests, as the normaliser would produce it. Times are
 * given in epoch milliseconds for readability (`startMs`, `durationMs`).
 */
export function makeSpan(
  overrides: Partial<NormalizedSpan> & { startMs?: number; durationMs?: number } = {},
): NormalizedSpan {
  const { startMs = 1_700_000_000_000 + counter++, durationMs = 100, ...rest } = overrides;
  const start = BigInt(Math.round(startMs * 1000)) * 1000n;
  const end = start + BigInt(Math.round(durationMs * 1_000_000));
  const span: NormalizedSpan = {
    traceId: hexId(16),
    spanId: hexId(8),
    parentSpanId: null,
    name: 'span',
    kind: 'other',
    otelKind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationMs: durationMsBetween(start, end),
    status: 'unset',
    statusMessage: '',
    service: 'test-agent',
    agent: null,
    sessionId: null,
    operation: 'span:span',
    llm: null,
    tool: null,
    attributes: {},
    events: [],
    resource: DEFAULT_RESOURCE,
    scopeName: 'test',
    ...rest,
  };
  return span;
}
