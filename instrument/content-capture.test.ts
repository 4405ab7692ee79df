import { afterEach, describe, expect, it } from 'vitest';
import { captureContent, configureContentCapture, DEFAULT_MAX_CONTENT_CHARS, toText, truncate } from './content-capture.js';

afterEach(() => configureContentCapture({ captureContent: true, maxContentChars: DEFAULT_MAX_CONTENT_CHARS, redact: undefined }));

describe('captureContent', () => {
  it('keeps strings as they are and encodes other values as JSON', () => {
    expect(captureContent('plain text', 'k')).toBe('plain text');
    expect(captureContent({ a: 1, b: [true, null] }, 'k')).toBe('{"a":1,"b":[true,null]}');
    expect(captureContent(undefined, 'k')).toBeUndefined();
  });

  it('records nothing when content capture is off', () => {
    configureContentCapture({ captureContent: false });
    expect(captureContent('secret prompt', 'gen_ai.input.messages')).toBeUndefined();
  });

  it('runs the redaction hook with the attribute name, and drops content the hook drops or throws on', () => {
    const seen: string[] = [];
    configureContentCapture({
      redact: (text, field) => {
        seen.push(field.attribute);
        if (field.attribute === 'drop') return undefined;
        if (field.attribute === 'throw') throw new Error('hook bug');
        return text.replace(/\d{4}-\d{4}-\d{4}-\d{4}/g, '[card]');
      },
    });
    expect(captureContent({ card: '4111-1111-1111-1111' }, 'gen_ai.tool.call.arguments')).toBe('{"card":"[card]"}');
    expect(captureContent('x', 'drop')).toBeUndefined();
    expect(captureContent('x', 'throw')).toBeUndefined();
    expect(seen).toEqual(['gen_ai.tool.call.arguments', 'drop', 'throw']);
  });

  it('cuts long content to the limit with a marker saying how much was dropped', () => {
    configureContentCapture({ maxContentChars: 100 });
    const text = captureContent('a'.repeat(1000), 'k')!;
    expect(text.length).toBeLessThanOrEqual(100);
    const dropped = Number(/…\[truncated (\d+) chars\]$/.exec(text)![1]);
    expect(text.indexOf('…') + dropped).toBe(1000);
  });
});

describe('toText and truncate', () => {
  it('never throws on values JSON cannot encode', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toText(cyclic)).toBe('[object Object]');
    expect(toText({ n: 10n })).toBe('{"n":"10"}');
    expect(toText(Symbol.for('s'))).toBe('Symbol(s)');
  });

  it('leaves text within the limit alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });
});
