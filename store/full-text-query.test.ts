import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './full-text-query.js';

describe('toFtsQuery', () => {
  it('cuts words where the unicode61 tokenizer does, so no quoted word is a phrase (detail = none refuses phrases)', () => {
    expect(toFtsQuery('order_42')).toBe('"order" "42"');
    expect(toFtsQuery('get-weather Lisb')).toBe('"get" "weather" "Lisb"*');
    expect(toFtsQuery('"quoted" OR NEAR(x)')).toBe('"quoted" "OR" "NEAR" "x"');
  });

  it('is null without a word', () => {
    expect(toFtsQuery(' _-*" ')).toBeNull();
  });
});
