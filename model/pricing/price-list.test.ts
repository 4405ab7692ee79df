import { describe, expect, it } from 'vitest';
import { createPriceList, totalCost } from './price-list.js';

describe('price list', () => {
  it('matches dated and provider-prefixed model names to the longest entry', () => {
    const prices = createPriceList();
    expect(prices.priceOf('gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(prices.priceOf('gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(prices.priceOf('openai/gpt-4.1')?.model).toBe('gpt-4.1');
    expect(prices.priceOf('claude-sonnet-4-5@20250929')?.model).toBe('claude-sonnet-4-5');
    expect(prices.priceOf('gpt-4oo')).toBeNull();
    expect(prices.priceOf('')).toBeNull();
  });

  it('lets config replace an entry and add new ones', () => {
    const prices = createPriceList([
      { model: 'gpt-4o', input: 1, output: 2, cachedInput: 0.5 },
      { model: 'acme-large', input: 4, output: 8, cachedInput: 4 },
    ]);
    expect(prices.priceOf('gpt-4o')).toEqual({ model: 'gpt-4o', input: 1, output: 2, cachedInput: 0.5 });
    expect(prices.priceOf('acme-large-v2')?.input).toBe(4);
  });

  it('totals usage, unknown when one priced part is missing, zero without tokens', () => {
    const prices = createPriceList();
    const gpt = { model: 'gpt-4o', inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 200_000 };
    expect(totalCost([gpt], prices)).toBeCloseTo(0.8 * 2.5 + 0.2 * 1.25 + 0.1 * 10, 10);
    expect(totalCost([gpt, { model: 'mystery', inputTokens: 5, outputTokens: 0, cachedInputTokens: 0 }], prices)).toBeNull();
    expect(totalCost([{ model: 'mystery', inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }], prices)).toBe(0);
    expect(totalCost([], prices)).toBe(0);
  });
});
