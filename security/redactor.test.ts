import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { makeSpan } from '../test/support/normalized-spans.js';
import { createRedactor, REDACTED_ATTRIBUTE } from './redactor.js';
import { isCardNumber } from './redaction-patterns.js';

const defaults = configSchema.parse({}).redaction;
const redact = createRedactor(defaults);
const redactText = (text: string) => redact(makeSpan({ attributes: { 'input.value': text } })).attributes['input.value'];

describe('createRedactor', () => {
  it.each([
    ['e-mail address', 'write to jane.doe+work@example.co.uk today', 'write to [REDACTED:email] today'],
    ['OpenAI key', 'key sk-proj-AbCdEf0123456789AbCdEf0123 used', 'key [REDACTED:openai_key] used'],
    ['Anthropic key', 'sk-ant-api03-AbCdEf0123456789AbCdEf0123', '[REDACTED:anthropic_key]'],
    ['Bearer token', 'Authorization: Bearer abc.DEF-123_456~789', 'Authorization: Bearer [REDACTED:bearer]'],
    ['AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE ok', 'aws [REDACTED:aws_key] ok'],
    ['GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', '[REDACTED:github_token]'],
    ['Slack token', 'xoxb-1234567890-abcdefghij', '[REDACTED:slack_token]'],
    ['Google API key', 'AIzaSyA-0123456789abcdefghijklmnopqrstu', '[REDACTED:google_api_key]'],
    ['Stripe key', 'sk_live_0123456789abcdefABCD', '[REDACTED:stripe_key]'],
    [
      'JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'token [REDACTED:jwt]',
    ],
    ['password assignment', '{"user":"bob","password": "hunter2!"}', '{"user":"bob","password": "[REDACTED:secret_assignment]"}'],
    ['Visa card number', 'card 4111 1111 1111 1111 exp 12/29', 'card [REDACTED:card] exp 12/29'],
    ['Amex card number', 'card 378282246310005.', 'card [REDACTED:card].'],
    ['private key', 'k=-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----!', 'k=[REDACTED:private_key]!'],
  ])('redacts a %s', (_what, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('keeps numbers that are not card numbers: failed Luhn, timestamps, short ids', () => {
    for (const text of ['4111 1111 1111 1112', '1700000000123456789', 'order 12345678', '3.14159265358979323']) {
      expect(redactText(text)).toBe(text);
    }
    expect(isCardNumber('5555555555554444')).toBe(true);
    expect(isCardNumber('1234567812345670')).toBe(false);
  });

  it('returns a span with nothing to redact unchanged, as the same object', () => {
    const span = makeSpan({ attributes: { 'gen_ai.request.model': 'gpt-4o', count: 3, note: 'nothing secret here' } });
    expect(redact(span)).toBe(span);
  });

  it('marks the span with the sorted names of what was redacted', () => {
    const span = redact(makeSpan({ attributes: { a: 'mail bob@example.com', b: 'Bearer abcdefgh12345678', 'db.password': 'x' } }));
    expect(span.attributes[REDACTED_ATTRIBUTE]).toEqual(['attribute', 'bearer', 'email']);
    expect(span.attributes['db.password']).toBe('[REDACTED:attribute]');
  });

  it('covers name, status message, nested values, events, resource, tool arguments and result, and LLM output', () => {
    const span = redact(
      makeSpan({
        name: 'GET /users/ann@example.com',
        operation: 'span:GET /users/ann@example.com',
        statusMessage: 'failed for ann@example.com',
        attributes: { nested: { list: ['x', { deep: 'sk-abcdefghijklmnopqrstuvwxyz' }] }, headers: { Authorization: 'Basic Zm9vOmJhcg==' } },
        events: [{ name: 'exception', timeUnixNano: 1n, attributes: { 'exception.message': 'no user ann@example.com' } }],
        resource: { 'service.name': 'svc', 'user.email': 'ops@example.com' },
        tool: { name: 'lookup', arguments: '{"email":"ann@example.com"}', result: '{"token":"ghp_0123456789abcdefghijABCDEFGHIJ012345"}' },
        llm: { model: 'm', provider: null, inputTokens: 1, outputTokens: 1, finishReason: 'stop', outputText: 'Your card 4242424242424242 is set', toolCallNames: [] },
      }),
    );
    const text = JSON.stringify(span, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toMatch(/ann@example|ops@example|sk-abc|ghp_0123|4242424242424242/);
    expect(span.name).toBe('GET /users/[REDACTED:email]');
    expect(span.tool?.arguments).toBe('{"email":"[REDACTED:email]"}');
    expect(span.llm?.outputText).toBe('Your card [REDACTED:card] is set');
    expect(span.attributes[REDACTED_ATTRIBUTE]).toEqual(['attribute', 'card', 'email', 'github_token', 'openai_key']);
    expect(span.attributes.headers).toEqual({ Authorization: '[REDACTED:attribute]' });
  });

  it('applies user patterns and deny-listed keys from the configuration', () => {
    const custom = createRedactor(
      configSchema.parse({ redaction: { patterns: [{ name: 'employee_id', regex: 'emp-\\d{6}', ignoreCase: true }], denyAttributes: ['user.*'] } })
        .redaction,
    );
    const span = custom(makeSpan({ attributes: { note: 'by EMP-123456', 'user.id': 42, 'user.name': 'Ann' } }));
    expect(span.attributes).toMatchObject({ note: 'by [REDACTED:employee_id]', 'user.id': '[REDACTED:attribute]', 'user.name': '[REDACTED:attribute]' });
  });

  it('drops a sender-supplied tracehound.redacted, even when redaction is off', () => {
    const off = createRedactor(configSchema.parse({ redaction: { enabled: false } }).redaction);
    const spoofed = makeSpan({ attributes: { [REDACTED_ATTRIBUTE]: ['email'], note: 'bob@example.com' } });
    expect(off(spoofed).attributes).toEqual({ note: 'bob@example.com' });
    expect(redact(spoofed).attributes).toEqual({ note: '[REDACTED:email]', [REDACTED_ATTRIBUTE]: ['email'] });
  });

  it('stays linear on a megabyte of adversarial text', () => {
    const hostile = `${'a'.repeat(500_000)}@${'b.'.repeat(200_000)}`;
    expect(() => redactText(hostile)).not.toThrow();
    expect(redactText('4'.repeat(1_000_000))).toHaveLength(1_000_000);
  });
});
