import { describe, expect, it } from 'vitest';
import { createKeyMatcher } from './key-matcher.js';

describe('createKeyMatcher', () => {
  const matches = createKeyMatcher(['first-key-0123456789', 'second-key-0123456789']);

  it('accepts every configured key', () => {
    expect(matches('first-key-0123456789')).toBe(true);
    expect(matches('second-key-0123456789')).toBe(true);
  });

  it('refuses a wrong, truncated, extended, empty or missing key', () => {
    expect(matches('first-key-012345678')).toBe(false);
    expect(matches('first-key-01234567890')).toBe(false);
    expect(matches('FIRST-KEY-0123456789')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(matches(null)).toBe(false);
  });

  it('refuses everything when no key is configured', () => {
    expect(createKeyMatcher([])('anything-at-all-here')).toBe(false);
  });
});
