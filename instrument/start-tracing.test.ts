import { describe, expect, it } from 'vitest';
import { resolveTracesUrl } from './start-tracing.js';

describe('resolveTracesUrl', () => {
  it('appends /v1/traces to a base URL and keeps a full traces URL', () => {
    expect(resolveTracesUrl('http://127.0.0.1:4318', {})).toBe('http://127.0.0.1:4318/v1/traces');
    expect(resolveTracesUrl('https://hound.example.com/otlp/', {})).toBe('https://hound.example.com/otlp/v1/traces');
    expect(resolveTracesUrl('http://h:4318/v1/traces', {})).toBe('http://h:4318/v1/traces');
  });

  it('falls back to the standard OTLP environment variables, then to 127.0.0.1:4318', () => {
    expect(resolveTracesUrl(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://a/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b' })).toBe('http://a/custom');
    expect(resolveTracesUrl(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:4318' })).toBe('http://b:4318/v1/traces');
    expect(resolveTracesUrl(undefined, {})).toBe('http://127.0.0.1:4318/v1/traces');
  });
});
