import { describe, expect, it } from 'vitest';
import { buildCallBlocks } from './conversation-turns.js';

const user = (text: string) => ({ role: 'user', parts: [{ type: 'text' as const, text }] });

describe('buildCallBlocks', () => {
  it('shows each call only its new messages, with tool calls carrying their results', () => {
    const call = { id: 'c1', name: 'search', arguments: '{"q":"Lisbon"}' };
    const blocks = buildCallBlocks(
      [
        {
          spanId: 'a',
          model: 'gpt-4o',
          startMs: 0,
          inputTokens: 10,
          outputTokens: 2,
          transcript: { system: 'Be brief.', input: [user('Flights to Lisbon?')], output: [{ role: 'assistant', parts: [{ type: 'tool_call', ...call }] }] },
        },
        {
          spanId: 'b',
          model: 'gpt-4o',
          startMs: 50,
          inputTokens: 20,
          outputTokens: 5,
          transcript: {
            system: 'Be brief.',
            input: [
              user('Flights to Lisbon?'),
              { role: 'assistant', parts: [{ type: 'tool_call', ...call }] },
              { role: 'tool', parts: [{ type: 'tool_result', id: 'c1', name: null, result: '{"flights":2}' }] },
            ],
            output: [{ role: 'assistant', parts: [{ type: 'text', text: 'Two flights.' }] }],
          },
        },
      ],
      [{ spanId: 't', name: 'search', arguments: '{"q":"Lisbon"}', result: '{"flights":2}', status: 'ok', startMs: 20 }],
    );
    expect(blocks[0]).toMatchObject({ system: 'Be brief.', repeatedCount: 0, input: [user('Flights to Lisbon?')] });
    expect(blocks[0]!.output[0]!.parts[0]).toMatchObject({ type: 'tool_call', name: 'search', result: '{"flights":2}', resultSpanId: 't', failed: false });
    // The second call repeats two messages; its tool message is shown under the call already.
    expect(blocks[1]).toMatchObject({ system: null, repeatedCount: 2, input: [], output: [{ role: 'assistant', parts: [{ type: 'text', text: 'Two flights.' }] }] });
  });

  it('takes a result from the tool span when the messages do not carry it, and marks failures', () => {
    const blocks = buildCallBlocks(
      [{ spanId: 'a', model: null, startMs: 0, inputTokens: null, outputTokens: null, transcript: { system: null, input: [], output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'refund', arguments: '{}' }] }] } }],
      [{ spanId: 't', name: 'refund', arguments: '{}', result: 'permission denied', status: 'error', startMs: 5 }],
    );
    expect(blocks[0]!.output[0]!.parts[0]).toMatchObject({ result: 'permission denied', failed: true });
  });

  it('marks calls without recorded messages', () => {
    expect(buildCallBlocks([{ spanId: 'a', model: 'x', startMs: 0, inputTokens: 1, outputTokens: 1, transcript: null }], [])[0]).toMatchObject({ captured: false });
  });
});
