import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { encodeJson, encodeProtobuf, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { configSchema } from '../../config/schema.js';
import { startService } from '../../cli/service.js';
import { ConfigError } from '../../config/load-config.js';
import { assertSafeExposure } from '../../security/exposure.js';
import { startSecureService, type SecureTestService } from './support/secure-service.js';
import { decodeRpcStatus } from '../support/rpc-status.js';

const INGEST_KEY = 'ingest-key-0123456789abcdef';
const API_TOKEN = 'api-token-0123456789abcdef';
const WRONG = 'wrong-key-0123456789abcdef';
const ROOT = join(import.meta.dirname, '..', '..');

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService({ auth: { ingestKeys: [INGEST_KEY], apiTokens: [API_TOKEN] } });
});
afterAll(async () => {
  await service.stop();
});

const storedSpans = () => (service.db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;

function postSpans(headers: Record<string, string>, encoding: 'json' | 'protobuf' = 'protobuf') {
  const request = jsonRequest([jsonSpan()]);
  return fetch(`${service.url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf', ...headers },
    body: encoding === 'json' ? encodeJson(request) : new Uint8Array(encodeProtobuf(request)),
  });
}

describe('ingest authentication', () => {
  it('answers a protobuf request without a key with 401 and a protobuf google.rpc.Status, storing nothing', async () => {
    const before = storedSpans();
    const response = await postSpans({});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const status = decodeRpcStatus(new Uint8Array(await response.arrayBuffer()));
    expect(status.code).toBe(16);
    expect(status.message).toMatch(/ingest key/);
    expect(storedSpans()).toBe(before);
  });

  it('answers a JSON request with a wrong key with 401 and a JSON google.rpc.Status', async () => {
    const response = await postSpans({ Authorization: `Bearer ${WRONG}` }, 'json');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ code: 16, message: expect.stringMatching(/ingest key/) });
  });

  it('refuses an API token, a key in the wrong scheme, and a key with extra characters', async () => {
    for (const headers of [{ Authorization: `Bearer ${API_TOKEN}` }, { Authorization: `Basic ${INGEST_KEY}` }, { 'x-api-key': `${INGEST_KEY}x` }] as Record<string, string>[]) {
      expect((await postSpans(headers)).status).toBe(401);
    }
  });

  it.each([
    ['Authorization: Bearer', { Authorization: `Bearer ${INGEST_KEY}` }],
    ['lower-case bearer scheme', { authorization: `bearer ${INGEST_KEY}` }],
    ['x-api-key', { 'x-api-key': INGEST_KEY }],
    ['x-tracehound-key', { 'x-tracehound-key': INGEST_KEY }],
  ])('accepts the right key sent as %s', async (_how, headers) => {
    const before = storedSpans();
    const response = await postSpans(headers);
    expect(response.status).toBe(200);
    expect(storedSpans()).toBe(before + 1);
  });

  it('takes spans from the real OTel exporter configured with the key header, and refuses it without', async () => {
    const send = async (headers: Record<string, string>) => {
      const exporter = new OTLPTraceExporter({ url: `${service.url}/v1/traces`, headers });
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'auth-test' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const span = provider.getTracer('auth-test').startSpan('authenticated run');
      const traceId = span.spanContext().traceId;
      span.end();
      const failed = await provider.forceFlush().then(() => false, () => true);
      await provider.shutdown().catch(() => undefined);
      return { failed, stored: (service.db.prepare('SELECT COUNT(*) AS n FROM spans WHERE trace_id = ?').get(traceId) as { n: number }).n };
    };
    expect(await send({ Authorization: `Bearer ${INGEST_KEY}` })).toEqual({ failed: false, stored: 1 });
    expect(await send({ 'x-api-key': WRONG })).toEqual({ failed: true, stored: 0 });
  });
});

describe('API authentication', () => {
  it('answers /api/* without or with a wrong token with 401 { error }', async () => {
    for (const headers of [{}, { Authorization: `Bearer ${WRONG}` }, { Authorization: `Bearer ${INGEST_KEY}` }] as Record<string, string>[]) {
      const response = await fetch(`${service.url}/api/runs`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/authentication required/) });
    }
  });

  it('serves /api/* to the right Bearer token', async () => {
    const response = await fetch(`${service.url}/api/runs`, { headers: { Authorization: `Bearer ${API_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('runs');
  });

  it('keeps /healthz open and puts /metrics behind the API token', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${service.url}/metrics`, { headers: { Authorization: `Bearer ${API_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/tracehound_auth_failures_total\{surface="ingest"\} [1-9]/);
  });
});

describe('web view login', () => {
  it('redirects a page request without a session to the login form, keeping the path', async () => {
    const response = await fetch(`${service.url}/runs?status=error`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=%2Fruns%3Fstatus%3Derror');
    const form = await fetch(`${service.url}/login?next=%2Fruns`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('value="/runs"');
  });

  it('refuses a wrong token at /login with 401 and sets no cookie', async () => {
    const response = await fetch(`${service.url}/login`, { method: 'POST', body: new URLSearchParams({ token: WRONG, next: '/' }), redirect: 'manual' });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('That token is not valid.');
  });

  it('signs in with the right token: an HttpOnly SameSite=Strict cookie that opens pages and the API', async () => {
    const login = await fetch(`${service.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token: API_TOKEN, next: '/runs' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/runs');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^tracehound_session=v2\.\d+\.[\w-]{22}\.[\w-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(API_TOKEN);
    const cookie = setCookie.split(';')[0]!;

    const api = await fetch(`${service.url}/api/runs`, { headers: { Cookie: cookie } });
    expect(api.status).toBe(200);
    const page = await fetch(`${service.url}/`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect([302, 401]).not.toContain(page.status);

    const tampered = cookie.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    expect((await fetch(`${service.url}/api/runs`, { headers: { Cookie: tampered } })).status).toBe(401);
    const forged = `tracehound_session=v2.99999999999999.${'A'.repeat(22)}.${'A'.repeat(43)}`;
    expect((await fetch(`${service.url}/api/runs`, { headers: { Cookie: forged } })).status).toBe(401);
  });

  it('never follows a login redirect off the site', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const login = await fetch(`${service.url}/login`, { method: 'POST', body: new URLSearchParams({ token: API_TOKEN, next }), redirect: 'manual' });
      expect(login.headers.get('location')).toBe('/');
    }
  });

  it('logs failures without the keys or tokens that were tried', () => {
    const log = service.logText();
    expect(log).toContain('login refused');
    for (const secret of [INGEST_KEY, API_TOKEN, WRONG]) expect(log).not.toContain(secret);
  });
});

describe('exposure', () => {
  it('refuses to start on a non-loopback address without keys: one line, exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracehound-exposure-'));
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'bin/tracehound.js'), 'serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'x.db')], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, TRACEHOUND_INGEST_KEYS: '', TRACEHOUND_API_TOKENS: '' },
      });
      expect(result.status).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/server\.host: "0\.0\.0\.0" is reachable from other machines but auth\.ingestKeys and auth\.apiTokens are empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the one missing setting, and starts when remote access without keys is allowed explicitly', async () => {
    const config = (auth: object) => configSchema.parse({ server: { host: '192.168.1.5' }, auth });
    expect(() => assertSafeExposure(config({ ingestKeys: [INGEST_KEY] }))).toThrow(ConfigError);
    expect(() => assertSafeExposure(config({ ingestKeys: [INGEST_KEY] }))).toThrow(/auth\.apiTokens is empty/);
    expect(() => assertSafeExposure(config({ ingestKeys: [INGEST_KEY], apiTokens: [API_TOKEN] }))).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      expect(() => assertSafeExposure(configSchema.parse({ server: { host } }))).not.toThrow();
    }
    const dir = mkdtempSync(join(tmpdir(), 'tracehound-exposure-'));
    const open = await startService(
      configSchema.parse({
        server: { host: '0.0.0.0', port: 0 },
        storage: { path: join(dir, 'x.db') },
        auth: { allowUnauthenticatedRemote: true },
        logging: { level: 'silent' },
        analyzer: { enabled: false },
        reports: { enabled: false, dir: join(dir, 'reports') },
      }),
    );
    expect((await fetch(`${open.url}/healthz`)).status).toBe(200);
    await open.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
