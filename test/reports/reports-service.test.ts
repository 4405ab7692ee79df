import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../config/schema.js';
import { startService, type RunningService } from '../../cli/service.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { makeSpan, hexId } from '../support/normalized-spans.js';
import { SAMPLE_NOW_MS, seedSampleData } from '../../scripts/make-sample-report.js';
import { reportCommand } from '../../cli/commands/report.js';
import type { AlertPayload } from '../../reports/alerter.js';
import type { ReportListItem, StoredReport } from '../../store/api.js';

/**
 * The reports feature inside a real `tracehound serve` on port 0: POST /api/reports, the stored
 * list and renderings, the nightly scheduler, webhook delivery to a loopback receiver (with
 * retries and visible failures), and alerts raised by the real analyser.
 */

interface Receiver {
  url: string;
  bodies: unknown[];
  server: Server;
  /** Resolves once `count` bodies have arrived. */
  received(count: number): Promise<unknown[]>;
}

async function startReceiver(failFirst = 0): Promise<Receiver> {
  const bodies: unknown[] = [];
  let seen = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      seen++;
      if (seen <= failFirst) {
        response.statusCode = 500;
        response.end();
        return;
      }
      bodies.push(JSON.parse(text));
      response.end();
      for (const waiter of waiters.filter((item) => bodies.length >= item.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    server,
    received: (count) =>
      bodies.length >= count ? Promise.resolve(bodies) : new Promise<unknown[]>((resolve) => waiters.push({ count, resolve: () => resolve(bodies) })),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(overrides: ConfigInput = {}): Promise<{ service: RunningService; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-reports-'));
  const service = await startService(
    configSchema.parse({
      ...overrides,
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'test.db'), synchronous: 'normal' },
      logging: { level: 'silent' },
      analyzer: { enabled: false },
      reports: { enabled: false, dir: join(dir, 'reports'), webhookBackoff: '10ms', ...overrides.reports },
    }),
  );
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => service.close());
  return { service, dir };
}

const DAY_MS = 86_400_000;
const body = (value: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

describe('reports in the service', () => {
  it('makes a report on POST /api/reports, stores it, writes it to reports.dir and delivers it to the webhook after retries', async () => {
    const receiver = await startReceiver(2);
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())));
    const { service, dir } = await start({ reports: { webhookUrl: receiver.url } });
    seedSampleData(service.db, SAMPLE_NOW_MS);

    const since = new Date(SAMPLE_NOW_MS - DAY_MS).toISOString();
    const until = new Date(SAMPLE_NOW_MS).toISOString();
    const created = await fetch(`${service.url}/api/reports`, body({ since, until }));
    expect(created.status).toBe(201);
    const stored = (await created.json()) as StoredReport;
    expect(stored).toMatchObject({ since, until, trigger: 'api' });
    expect(stored.summary.runs).toBeGreaterThan(40);

    const [delivered] = (await receiver.received(1)) as { kind: string; id: string; summary: unknown; report: { id: string }; url: string }[];
    expect(delivered).toMatchObject({ kind: 'report', id: stored.id, summary: stored.summary, report: { id: stored.id }, url: `${service.url}/reports/${stored.id}` });

    // The delivery outcome lands on the report row.
    let fetched: StoredReport;
    for (;;) {
      fetched = (await (await fetch(`${service.url}/api/reports/${stored.id}`)).json()) as StoredReport;
      if (fetched.delivery.status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fetched.delivery).toMatchObject({ status: 'delivered', attempts: 3, error: null });
    expect((fetched.body as { summary: unknown }).summary).toEqual(stored.summary);

    const list = (await (await fetch(`${service.url}/api/reports`)).json()) as { reports: ReportListItem[]; nextCursor: string | null };
    expect(list.reports.map((item) => item.id)).toEqual([stored.id]);

    const html = await fetch(`${service.url}/api/reports/${stored.id}?format=html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toContain('<svg');
    const page = await fetch(`${service.url}/reports/${stored.id}`);
    expect(page.status).toBe(200);
    const markdown = await (await fetch(`${service.url}/api/reports/${stored.id}?format=md`)).text();
    expect(markdown).toMatch(/^# tracehound report/);
    expect(readdirSync(join(dir, 'reports')).sort()).toEqual([`${stored.id}.html`, `${stored.id}.json`, `${stored.id}.md`]);
    expect(fetched.filePath).toBe(join(dir, 'reports', `${stored.id}.html`));

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('tracehound_reports_total{trigger="api"} 1');
    expect(metrics).toContain('tracehound_webhook_deliveries_total{kind="report",outcome="retried"} 2');
    expect(metrics).toContain('tracehound_webhook_deliveries_total{kind="report",outcome="delivered"} 1');
  });

  it('keeps the report and shows the failure when the webhook never answers 2xx', async () => {
    const receiver = await startReceiver(1000);
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())));
    const { service } = await start({ reports: { webhookUrl: receiver.url, webhookMaxAttempts: 2, webhookFormat: 'slack' } });
    const created = (await (await fetch(`${service.url}/api/reports`, body({ since: '24h' }))).json()) as StoredReport;
    let fetched: StoredReport;
    for (;;) {
      fetched = (await (await fetch(`${service.url}/api/reports/${created.id}`)).json()) as StoredReport;
      if (fetched.delivery.status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fetched.delivery).toMatchObject({ status: 'failed', attempts: 2, error: 'HTTP 500' });
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain('tracehound_webhook_deliveries_total{kind="report",outcome="failed"} 1');
  });

  it('sends a Slack-compatible {text} body when asked', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())));
    const { service } = await start({ reports: { webhookUrl: receiver.url, webhookFormat: 'slack' } });
    await fetch(`${service.url}/api/reports`, body({}));
    const [delivered] = (await receiver.received(1)) as { text: string }[];
    expect(Object.keys(delivered!)).toEqual(['text']);
    expect(delivered!.text).toContain('*tracehound report*');
    expect(delivered!.text).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/reports\/[^|]+\|Open the report>/);
  });

  it('answers bad report requests with 4xx and a JSON error', async () => {
    const { service } = await start();
    const cases: [string, RequestInit | undefined, number, RegExp][] = [
      ['/api/reports', body({ since: 'yesterday-ish' }), 400, /since/],
      ['/api/reports', body({ since: '2026-11-23T02:00:00Z', until: '2026-11-22T02:00:00Z' }), 400, /until must be after since/],
      ['/api/reports', body({ since: '400d' }), 400, /at most 90 days/],
      ['/api/reports', body({ sinse: '1h' }), 400, /sinse/],
      ['/api/reports', { method: 'POST', body: '{nope' }, 400, /JSON/],
      ['/api/reports?limit=0', undefined, 400, /limit/],
      ['/api/reports?cursor=zzz', undefined, 400, /cursor/],
      ['/api/reports/nope', undefined, 404, /no report/],
      ['/api/reports/nope?format=pdf', undefined, 400, /format/],
      ['/api/reports/..%2F..%2Fetc', undefined, 400, /report id/],
    ];
    for (const [path, init, status, message] of cases) {
      const response = await fetch(`${service.url}${path}`, init);
      expect(response.status, path).toBe(status);
      expect(((await response.json()) as { error: string }).error, path).toMatch(message);
    }
    expect((await fetch(`${service.url}/reports/nope`)).status).toBe(404);
  });

  it('makes the scheduled report at the configured time', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())));
    // Every second, so the test need not wait for 02:00; the period is the hour before the firing.
    const { service } = await start({ reports: { enabled: true, schedule: '* * * * * *', timezone: 'Europe/Berlin', period: '1h', webhookUrl: receiver.url } });
    const [delivered] = (await receiver.received(1)) as { id: string; period: { since: string; until: string } }[];
    const untilMs = Date.parse(delivered!.period.until);
    expect(untilMs % 1000).toBe(0);
    expect(untilMs - Date.parse(delivered!.period.since)).toBe(3_600_000);
    const list = (await (await fetch(`${service.url}/api/reports`)).json()) as { reports: ReportListItem[] };
    expect(list.reports.find((item) => item.id === delivered!.id)?.trigger).toBe('schedule');
  });

  it('alerts once per looping signature when the analyser raises critical flags', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => new Promise((resolve) => receiver.server.close(() => resolve())));
    const alertHook = receiver.url.replace('/hook', '/alerts');
    const { service } = await start({ alerts: { webhookUrl: alertHook } });
    const write = createSpanWriter(service.db);
    const startMs = Date.now() - 60_000;
    // Three runs of the same agent, each calling search 10 times in a row with the same result.
    const traceIds: string[] = [];
    for (let run = 0; run < 3; run++) {
      const traceId = hexId(16);
      traceIds.push(traceId);
      const rootId = hexId(8);
      const calls = Array.from({ length: 10 }, (_, i) =>
        makeSpan({ traceId, parentSpanId: rootId, startMs: startMs + run * 1000 + i * 10, durationMs: 5, kind: 'tool', status: 'ok', agent: 'researcher', operation: 'tool:search', name: 'execute_tool search', tool: { name: 'search', arguments: '{"q":"refund policy"}', result: '{"hits":0}' } }),
      );
      write([makeSpan({ traceId, spanId: rootId, startMs: startMs + run * 1000, durationMs: 200, kind: 'agent', status: 'ok', agent: 'researcher', operation: 'agent:researcher', name: 'invoke_agent researcher' }), ...calls], Date.now() - 30_000);
    }
    const analyzed = await fetch(`${service.url}/api/analyze`, { method: 'POST' });
    expect(analyzed.status).toBe(200);
    const flags = (await (await fetch(`${service.url}/api/flags?detector=tool_loop&severity=critical`)).json()) as { flags: { traceId: string }[] };
    expect(new Set(flags.flags.map((flag) => flag.traceId))).toEqual(new Set(traceIds));
    const [alert] = (await receiver.received(1)) as AlertPayload[];
    expect(alert).toMatchObject({ kind: 'alert', type: 'first', detector: 'tool_loop', severity: 'critical', agent: 'researcher', count: 1 });
    expect(alert!.links.run).toBe(`${service.url}/runs/${alert!.traceId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.bodies).toHaveLength(1);
  });

  it('prints the same report from the command line and stores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracehound-report-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'cli.db');
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, `reports:\n  dir: ${join(dir, 'reports')}\nlogging:\n  level: silent\n`);
    // Seed with a service, then close it, as a user would run the command next to a stopped server.
    const { openDatabase } = await import('../../store/sqlite/database.js');
    const db = openDatabase(dbPath);
    seedSampleData(db, SAMPLE_NOW_MS);
    db.close();
    const out = join(dir, 'report.json');
    await reportCommand(['--db', dbPath, '--config', configPath, '--since', '24h', '--format', 'json', '--out', out], SAMPLE_NOW_MS);
    const printed = JSON.parse(readFileSync(out, 'utf8')) as { id: string; summary: { runs: number }; period: { since: string } };
    expect(printed.period.since).toBe(new Date(SAMPLE_NOW_MS - DAY_MS).toISOString());
    expect(printed.summary.runs).toBeGreaterThan(40);
    const again = openDatabase(dbPath);
    const row = again.prepare('SELECT id, trigger FROM reports').get() as { id: string; trigger: string };
    again.close();
    expect(row).toEqual({ id: printed.id, trigger: 'cli' });
    await expect(reportCommand(['--db', dbPath, '--config', configPath, '--format', 'pdf'], SAMPLE_NOW_MS)).rejects.toThrow(/--format/);
    // A relative --since counts back from --until.
    const earlier = join(dir, 'earlier.md');
    await reportCommand(['--db', dbPath, '--config', configPath, '--since', '6h', '--until', '2026-11-22T12:00:00Z', '--out', earlier], SAMPLE_NOW_MS);
    expect(readFileSync(earlier, 'utf8')).toContain('# tracehound report: 2026-11-22 06:00 UTC → 2026-11-22 12:00 UTC');
  });
});
