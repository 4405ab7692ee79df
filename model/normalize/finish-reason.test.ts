import { describe, expect, it } from 'vitest';
import { normalizeFinishReason } from './finish-reason.js';

describe('normalizeFinishReason', () => {
  it('maps each dialect spelling to one vocabulary', () => {
    const cases: Array<[string, string]> = [
      ['stop', 'stop'], ['STOP', 'stop'], ['end_turn', 'stop'], ['stop_sequence', 'stop'],
      ['tool-calls', 'tool_call'], ['tool_calls', 'tool_call'], ['tool_use', 'tool_call'], ['function_call', 'tool_call'],
      ['content-filter', 'content_filter'], ['SAFETY', 'content_filter'],
      ['length', 'length'], ['max_tokens', 'length'], ['MAX_TOKENS', 'length'], ['incomplete', 'length'],
      ['error', 'error'], ['other', 'other'], ['refusal', 'refusal'],
      ['content_filtered', 'content_filter'], ['guardrail_intervened', 'content_filter'], ['RECITATION', 'content_filter'], ['PROHIBITED_CONTENT', 'content_filter'],
      ['model_context_window_exceeded', 'length'],
    ];
    for (const [raw, expected] of cases) expect(normalizeFinishReason(raw), raw).toBe(expected);
  });

  it('returns null for a blank reason', () => {
    expect(normalizeFinishReason('  ')).toBeNull();
  });
});
