import { describe, expect, it } from 'vitest';
import { alignSteps, type CompareStep } from './compare-steps.js';

let next = 0;
function step(key: string, overrides: Partial<CompareStep> = {}): CompareStep {
  return { spanId: String(next++), kind: key.startsWith('model:') ? 'llm' : 'tool', key, label: key, durationMs: 100, status: 'ok', arguments: null, result: null, tokens: null, ...overrides };
}

describe('alignSteps', () => {
  it('pairs steps by tool or model like a diff, the rest alone on their side', () => {
    const a = [step('model:gpt-4o'), step('search'), step('model:gpt-4o')];
    const b = [step('model:gpt-4o'), step('search'), step('search'), step('book'), step('model:gpt-4o')];
    const rows = alignSteps(a, b);
    expect(rows.map((row) => [row.a?.key ?? null, row.b?.key ?? null])).toEqual([
      ['model:gpt-4o', 'model:gpt-4o'],
      ['search', 'search'],
      [null, 'search'],
      [null, 'book'],
      ['model:gpt-4o', 'model:gpt-4o'],
    ]);
  });

  it('says what differs in a pair: status, arguments (JSON key order aside), result, duration', () => {
    const [row] = alignSteps(
      [step('search', { arguments: '{"q":"a","n":1}', result: '{"hits":1}', durationMs: 100 })],
      [step('search', { arguments: '{"n":1, "q":"a"}', result: '{"hits":0}', durationMs: 900, status: 'error' })],
    );
    expect(row!.differences).toEqual(['status', 'result', 'slower']);
    expect(alignSteps([step('x', { durationMs: 100 })], [step('x', { durationMs: 130 })])[0]!.differences).toEqual([]);
  });
});
