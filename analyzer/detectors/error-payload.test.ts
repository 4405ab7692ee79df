import { describe, expect, it } from 'vitest';
import { matchErrorPayload } from './error-payload.js';

describe('matchErrorPayload', () => {
  it('recognises error payloads by structure', () => {
    expect(matchErrorPayload('{"status":"error","message":"quota"}')).not.toBeNull();
    expect(matchErrorPayload('{"statusCode":500}')).not.toBeNull();
    expect(matchErrorPayload('{"exit_code":2,"stderr":"x"}')).not.toBeNull();
    expect(matchErrorPayload('Traceback (most recent call last):\n  File "a.py"')).not.toBeNull();
    expect(matchErrorPayload('{"isError":true,"content":[{"type":"text","text":"boom"}]}')).not.toBeNull();
    expect(matchErrorPayload('{"error":null,"data":[1]}')).toBeNull();
    expect(matchErrorPayload('{"errors":[],"ok":true}')).toBeNull();
    expect(matchErrorPayload('The error budget is fine.')).toBeNull();
  });

  it('recognises an error payload JSON-encoded twice (a tool that returned JSON text)', () => {
    expect(matchErrorPayload(JSON.stringify(JSON.stringify({ ok: false, error: 'channel_not_found' })))).not.toBeNull();
    expect(matchErrorPayload(JSON.stringify(JSON.stringify({ rows: [[1]] })))).toBeNull();
  });

  it('recognises error texts of common SDKs and API error bodies', () => {
    expect(matchErrorPayload('An error occurred while running the tool. Please try again. Error: boom')).not.toBeNull();
    expect(matchErrorPayload('HTTP Error 404: Not Found')).not.toBeNull();
    expect(matchErrorPayload('404 Client Error: Not Found for url: https://api.example.com/x')).not.toBeNull();
    expect(matchErrorPayload('Navigation failed because page crashed!')).not.toBeNull();
    expect(matchErrorPayload('$ make build\ncc -o app main.c\nmain.c:3: undefined reference to `foo`\nexit code: 2')).not.toBeNull();
    expect(matchErrorPayload('{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}')).not.toBeNull();
    expect(matchErrorPayload('{"detail":"Not Found"}')).not.toBeNull();
    expect(matchErrorPayload('{"message":"Deployed 3 services","id":7,"url":"https://x"}')).toBeNull();
    expect(matchErrorPayload('Build finished, exit code 0.')).toBeNull();
    expect(matchErrorPayload('An error budget of 0.1% leaves 43 minutes a month.')).toBeNull();
  });

  it('recognises a Python dict printed with str() and Traceloop LangChain outputs', () => {
    expect(matchErrorPayload("{'error': 'rate limited', 'retry_after': 30}")).not.toBeNull();
    expect(matchErrorPayload("{'success': False, 'reason': 'card declined'}")).not.toBeNull();
    expect(matchErrorPayload("{'rows': [[1, 'a']], 'error': None}")).toBeNull();
    expect(matchErrorPayload('{"outputs":"Error: index unavailable","kwargs":{"tags":[]}}')).not.toBeNull();
  });

  it('recognises a serialised exception object', () => {
    expect(matchErrorPayload('{"name":"FetchError","message":"getaddrinfo ENOTFOUND fx.example.com","code":"ENOTFOUND"}')).not.toBeNull();
    expect(matchErrorPayload('{"type":"invalid_request_error","message":"bad model"}')).not.toBeNull();
    expect(matchErrorPayload('{"errorType":"Runtime.ExitError","errorMessage":"exit status 1"}')).not.toBeNull();
    expect(matchErrorPayload('{"name":"Hotel Alma","message":"Welcome!"}')).toBeNull();
  });
});
