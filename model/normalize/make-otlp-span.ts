import type { Attributes, OtlpSpan } from '../otlp.js';

/**
 * A decoded OTLP span for normaliser tests: 1 s long, root unless `parentSpanId` is given.
 * Not used at runtime.
 */
export function makeOtlpSpan(name: string, attributes: Attributes, overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: null,
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_001_000_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    ...overrides,
  };
}

export const CHILD = { parentSpanId: '00f067aa0ba902b7' } as const;
export const RESOURCE = { 'service.name': 'travel-agent' } as const;
export const SCOPE = { name: 'test', version: '1.0.0' } as const;
