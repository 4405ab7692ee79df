import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobuf, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { openDatabase } from '../../store/sqlite/database.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { createFlagWriter } from '../../store/flag-writer.js';
import { createSqliteStorage } from '../../store/sqlite/open-sqlite-storage.js';
import { makeSpan, hexId } from '../support/normalized-spans.js';
import { buildReport } from '../../reports/build-report.js';
import { renderHtml } from '../../reports/render-html.js';
import { renderMarkdown } from '../../reports/render-markdown.js';
import { escapeSlack } from '../../reports/escape.js';
import { startSecureService, type SecureTestService } from './support/secure-service.js';

/**
 * F12: bidirectional-text controls (U+202E RIGHT-TO-LEFT OVERRIDE and the rest) in tool and agent
 * names, or any span text, are shown visibly as [U+202E] in pages and reports, never raw.
 */

const SPOOF = 'invoice\u202Efdp.exe';
const SHOWN = 'invoice[U+202E]fdp.exe';
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let service: SecureTestService;
beforeAll(async () => {
  service = await startSecureService();
});
afterAll(async () => {
  await service.stop();
});

describe('F12: bidi controls in pages', () => {
  it('the runs list, run page and span panel show every control visibly', async () => {
    const root = jsonSpan({ name: `agent run \u2067${SPOOF}\u2069`, attributes: [{ key: 'gen_ai.agent.name', value: { stringValue: `planner\u202E` } }] });
    const tool = jsonSpan({
      traceId: root.traceId,
      parentSpanId: root.spanId,
      name: `execute_tool ${SPOOF}`,
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
        { key: 'gen_ai.tool.name', value: { stringValue: SPOOF } },
        { key: `key\u200F`, value: { stringValue: `value\u202Dx` } },
      ],
    });
    const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array(encodeProtobuf(jsonRequest([root, tool], `svc\u202E`))) });
    expect(response.status).toBe(200);
    for (const path of ['/runs', `/runs/${root.traceId}`, `/runs/${root.traceId}?view=flame`, `/runs/${root.traceId}/spans/${tool.spanId}`, `/compare?a=${root.traceId}&b=${root.traceId}`]) {
      const page = await fetch(`${service.url}${path}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html, path).not.toMatch(BIDI);
      expect(html, path).toMatch(/\[U\+202E\]/);
    }
    const panel = await (await fetch(`${service.url}/runs/${root.traceId}/spans/${tool.spanId}`)).text();
    expect(panel).toContain(SHOWN);
    expect(panel).toContain('key[U+200F]');
    expect(panel).toContain('value[U+202D]x');
    // The JSON API keeps the data as it was sent.
    const api = (await (await fetch(`${service.url}/api/runs/${root.traceId}`)).json()) as { spans: { name: string }[] };
    expect(api.spans.map((span) => span.name)).toContain(`execute_tool ${SPOOF}`);
  });
});

describe('F12: bidi controls in reports', () => {
  it('the HTML and Markdown reports and the chat text show them visibly', async () => {
    const until = Date.UTC(2026, 10, 23, 2, 0, 0);
    const db = openDatabase(':memory:');
    const traceId = hexId(16);
    const rootId = hexId(8);
    const startMs = until - 3_600_000;
    const tool = makeSpan({ traceId, parentSpanId: rootId, startMs, kind: 'tool', status: 'error', agent: SPOOF, operation: `tool:${SPOOF}`, tool: { name: SPOOF, arguments: '{}', result: '{}' } });
    createSpanWriter(db)([makeSpan({ traceId, spanId: rootId, startMs, kind: 'agent', agent: SPOOF, service: SPOOF, operation: `agent:${SPOOF}` }), tool], startMs);
    createFlagWriter(db).replaceFlags(
      traceId,
      [{ id: hexId(8), traceId, detector: 'silent_failure', severity: 'critical', summary: `tool ${SPOOF} failed`, spanIds: [tool.spanId], evidence: { tool: SPOOF }, signature: SPOOF, service: SPOOF, agent: SPOOF, tool: SPOOF, runStartNs: BigInt(startMs) * 1_000_000n }],
      until,
    );
    const report = await buildReport(createSqliteStorage(db, { path: ':memory:' }).reportQueries, { id: 'r1', sinceMs: until - 86_400_000, untilMs: until, nowMs: until, publicUrl: 'http://127.0.0.1:4318' });
    const html = renderHtml(report);
    const markdown = renderMarkdown(report);
    for (const text of [html, markdown]) {
      expect(text).not.toMatch(BIDI);
      expect(text).toMatch(/\\?\[U\+202E\\?\]/);
    }
    expect(escapeSlack(SPOOF)).toBe(SHOWN);
  });
});
