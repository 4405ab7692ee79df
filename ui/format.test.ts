import { describe, expect, it } from 'vitest';
import { formatDuration, niceTicks, prettyJsonText, quantileSorted } from './format.js';

describe('format', () => {
  it('formats durations from sub-millisecond to hours', () => {
    expect(formatDuration(0.42)).toBe('0.42 ms');
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(1350)).toBe('1.35 s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('pretty-prints JSON text and leaves other text alone', () => {
    expect(prettyJsonText('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJsonText('{not json')).toBe('{not json');
    expect(prettyJsonText('plain')).toBe('plain');
  });

  it('makes round axis ticks that cover the maximum', () => {
    expect(niceTicks(27)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(0)).toEqual([0, 1]);
    // Counts: whole steps only, so no label is rounded off its line (issue 17, defect 7).
    expect(niceTicks(10, 4, { integer: true })).toEqual([0, 5, 10]);
    expect(niceTicks(1, 4, { integer: true })).toEqual([0, 1]);
    expect(niceTicks(3, 4, { integer: true })).toEqual([0, 1, 2, 3]);
  });

  it('takes nearest-rank quantiles of sorted values, as the report does', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantileSorted([1, 2, 3, 4], 0.95)).toBe(4);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
  });
});
