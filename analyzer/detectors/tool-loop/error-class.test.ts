import { describe, expect, it } from 'vitest';
import { errorClass } from './error-class.js';

describe('errorClass', () => {
  it('groups errors that differ only in values', () => {
    expect(errorClass('Error: flight HAT030 not available on date 2024-05-13')).toBe(errorClass('Error: flight HAT271 not available on date 2024-05-10'));
    expect(errorClass("Error: payment amount does not add up, total price is 1002, but paid 800")).toBe(errorClass('Error: payment amount does not add up, total price is 4875, but paid 12'));
    expect(errorClass('Error: gift card balance is not enough')).not.toBe(errorClass('Error: not enough seats on flight HAT229'));
  });

  it("takes a traceback's exception line and a JSON result's output", () => {
    const traceback = 'exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\n  File "x.py", line 3\nKeyError: \'Street Address\'';
    expect(errorClass(traceback)).toBe('keyerror: …');
    expect(errorClass('{"returncode":1,"output":"Traceback (most recent call last):\\n  File \\"a.py\\"\\nNameError: name \'df\' is not defined"}')).toBe('nameerror: name … is not defined');
  });

  it('has no class without error text', () => {
    expect(errorClass('{"returncode":1,"output":""}')).toBeNull();
    expect(errorClass(null)).toBeNull();
  });
});
