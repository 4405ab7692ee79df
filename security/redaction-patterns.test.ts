import { describe, expect, it } from 'vitest';
import { BUILTIN_ORDER, BUILTIN_PATTERNS, hasCardLikeDigitRun, mayHoldBuiltinSecret } from './redaction-patterns.js';

const FRAGMENTS = [
  '@', 'sk-', 'sk-ant-', 'Bearer ', 'bEaReR', 'AKIA', 'ASIA', 'AGPA', 'AROA', 'AIza', 'ghp_', 'gho_', 'github_pat_', 'xoxb-', 'k_live_', 'k_test_',
  'eyJ', '-----BEGIN RSA PRIVATE KEY-----', 'PASS', 'pwd', 'Secret', 'KEY', 'tOkEn', '4111', '1111 1111', '2026-12-01', '-', ' ', 'a', 'Z', '9',
  'é', '\u212a', 'ſ', '"', '.', 'x', 'o', 'k', '_',
];

/** A deterministic pseudo-random generator (the test is reproducible). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('built-in prefilter', () => {
  it('holds whenever any built-in pattern hint holds (200,000 generated strings)', () => {
    const next = random(7);
    for (let n = 0; n < 200_000; n++) {
      let text = '';
      const parts = 1 + Math.floor(next() * 8);
      for (let p = 0; p < parts; p++) text += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
      const hinted = BUILTIN_ORDER.some((name) => BUILTIN_PATTERNS[name]!.hint(text));
      if (hinted) expect(mayHoldBuiltinSecret(text), text).toBe(true);
    }
  });

  it('lets ordinary prose, dates, prices and ids through without a pattern run', () => {
    for (const text of ['Find the three cheapest flights on 2026-12-01 for 89.99 EUR', '{"carrier":"TAP","departs":"07:10"}', 'call_12, id 170000000000']) {
      expect(mayHoldBuiltinSecret(text)).toBe(false);
    }
  });

  it('sees a card-like run of 13 digits with single spaces or dashes between', () => {
    expect(hasCardLikeDigitRun('card 4111 1111 1111 1111 ok')).toBe(true);
    expect(hasCardLikeDigitRun('4-1-1-1-1-1-1-1-1-1-1-1-1')).toBe(true);
    expect(hasCardLikeDigitRun('411111111111')).toBe(false);
    expect(hasCardLikeDigitRun('4111  1111  1111  1111')).toBe(false);
  });
});

describe('a value seen twice in one span', () => {
  it('is redacted both times and counted both times', async () => {
    const { createRedactor } = await import('./redactor.js');
    const { configSchema } = await import('../config/schema.js');
    const { makeSpan } = await import('../test/support/normalized-spans.js');
    const counted: string[] = [];
    const redact = createRedactor(configSchema.parse({}).redaction, { onRedacted: (name) => counted.push(name) });
    const args = '{"to":"jane.doe@example.com","subject":"your refund"}';
    const clean = '{"query":"flights Lisbon Berlin","date":"2026-12-01"}';
    const span = makeSpan({ kind: 'tool', attributes: { 'gen_ai.tool.call.arguments': args, 'gen_ai.tool.call.result': clean }, tool: { name: 'send_email', arguments: args, result: clean } });
    const out = redact(span);
    expect(out.attributes['gen_ai.tool.call.arguments']).toBe('{"to":"[REDACTED:email]","subject":"your refund"}');
    expect(out.tool!.arguments).toBe('{"to":"[REDACTED:email]","subject":"your refund"}');
    expect(out.tool!.result).toBe(clean);
    expect(counted).toEqual(['email', 'email']);
    expect(out.attributes['tracehound.redacted']).toEqual(['email']);
  });
});
