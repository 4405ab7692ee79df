import { describe, expect, it } from 'vitest';
import type { Flag } from '../../model/api.js';
import type { WaterfallSpan } from '../../store/waterfall-reader.js';
import { buildSpanTree } from '../span-tree.js';
import { waterfallRows } from './waterfall-rows.js';

function span(overrides: Partial<WaterfallSpan>): WaterfallSpan {
  return {
    spanId: 'a'.repeat(16),
    parentSpanId: null,
    name: 'span',
    kind: 'tool',
    startMs: 1000,
    durationMs: 50,
    status: 'unset',
    operation: 'tool:x',
    toolName: 'x',
    model: null,
    tokens: null,
    ...overrides,
  };
}

function render(spans: WaterfallSpan[], flags: Flag[] = []): string {
  const flagsBySpan = new Map<string, Flag[]>();
  for (const flag of flags) for (const id of flag.spanIds) flagsBySpan.set(id, [...(flagsBySpan.get(id) ?? []), flag]);
  return waterfallRows({ rows: buildSpanTree(spans), axisStartMs: 1000, axisMs: 100, selectedSpanId: undefined, flagsBySpan }).toString();
}

describe('waterfallRows', () => {
  it('escapes span names, tool names and flag summaries (text and attributes)', () => {
    const html = render(
      [span({ name: '<img src=x onerror=alert(1)>', toolName: '<script>alert(2)</script>' })],
      [
        {
          id: 'f1',
          traceId: 't',
          spanIds: ['a'.repeat(16)],
          detector: 'tool_loop',
          severity: 'warning',
          summary: '" onmouseover="alert(3)',
          evidence: {},
          createdAt: '',
          review: null,
        },
      ],
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('title="&quot; onmouseover=&quot;alert(3)"');
    expect(html).not.toMatch(/<img|<script/);
  });

  it('places bars on the shared time axis and marks flagged spans', () => {
    const html = render([span({ spanId: 'b'.repeat(16), startMs: 1050, durationMs: 25 })], [
      { id: 'f', traceId: 't', spanIds: ['b'.repeat(16)], detector: 'latency_spike', severity: 'critical', summary: 's', evidence: {}, createdAt: '', review: null },
    ]);
    expect(html).toContain('x="500.0"');
    expect(html).toContain('width="250.0"');
    expect(html).toContain('wf-row k-tool st-unset flagged');
    expect(html).toContain('flag-dot det-latency_spike');
  });
});
