import { describe, expect, it } from 'vitest';
import type { ApiSpan } from '../model/api.js';
import { buildSpanTree } from './span-tree.js';

function span(spanId: string, parentSpanId: string | null, startMs: number): ApiSpan {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    kind: 'other',
    startTime: new Date(startMs).toISOString(),
    durationMs: 1,
    status: 'unset',
    statusMessage: '',
    attributes: {},
    events: [],
    service: 's',
    operation: 'span:x',
  };
}

describe('buildSpanTree', () => {
  it('orders spans depth-first with children under their parent', () => {
    const rows = buildSpanTree([span('root', null, 0), span('a', 'root', 1), span('b', 'root', 2), span('a1', 'a', 3)]);
    expect(rows.map((row) => `${row.span.spanId}@${row.depth}`)).toEqual(['root@0', 'a@1', 'a1@2', 'b@1']);
    expect(rows[0]!.childCount).toBe(2);
  });

  it('shows spans whose parent has not arrived as roots', () => {
    const rows = buildSpanTree([span('x', 'missing', 0), span('y', 'x', 1)]);
    expect(rows.map((row) => `${row.span.spanId}@${row.depth}`)).toEqual(['x@0', 'y@1']);
  });

  it('keeps every span of a parent cycle exactly once', () => {
    const rows = buildSpanTree([span('p', 'q', 0), span('q', 'p', 1)]);
    expect(rows.map((row) => row.span.spanId).sort()).toEqual(['p', 'q']);
  });

  it('handles a 5,000-deep chain without overflowing the stack', () => {
    const spans = [span('s0', null, 0)];
    for (let i = 1; i < 5000; i++) spans.push(span(`s${i}`, `s${i - 1}`, i));
    const rows = buildSpanTree(spans);
    expect(rows).toHaveLength(5000);
    expect(rows[4999]!.depth).toBe(4999);
  });
});
