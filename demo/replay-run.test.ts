import { afterAll, describe, expect, it } from 'vitest';
import { captureSpans } from '../test/dialects/capture-spans.js';
import { replayRun } from './replay-run.js';

/** Issue 17, defect 10: a backdated run's exception events are backdated with their spans. */
const capture = captureSpans('demo-replay');
afterAll(() => capture.provider.shutdown());

describe('replayRun', () => {
  it('records a failing tool call\'s exception at the span\'s own (backdated) time', async () => {
    const startMs = Date.now() - 3 * 86_400_000;
    await replayRun({
      agent: 'support-agent',
      model: 'gpt-4o',
      provider: 'openai',
      scenario: 'loud_error',
      startMs,
      conversationId: 'c1',
      input: 'Refund order B-7',
      steps: [{ type: 'tool', name: 'refund_order', args: { orderId: 'B-7' }, durationMs: 80, error: 'OrderService unavailable' }],
      error: 'OrderService unavailable',
    });
    const spans = capture.normalized();
    const failing = spans.filter((span) => span.events.some((event) => event.name === 'exception'));
    expect(failing.length).toBeGreaterThanOrEqual(1);
    for (const span of failing) {
      for (const event of span.events.filter((item) => item.name === 'exception')) {
        expect(event.timeUnixNano >= span.startTimeUnixNano && event.timeUnixNano <= span.endTimeUnixNano, span.name).toBe(true);
      }
    }
  });
});
