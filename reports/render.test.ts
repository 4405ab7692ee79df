import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/sqlite/database.js';
import { createSpanWriter } from '../store/span-writer.js';
import { createFlagWriter } from '../store/flag-writer.js';
import { makeSpan, hexId } from '../test/support/normalized-spans.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { buildReport } from './build-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { escapeMarkdown } from './escape.js';

const UNTIL = Date.UTC(2026, 10, 23, 2, 0, 0);
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) | `code` **bold** @channel';

/** A report whose agent, tool, operation and flag summary are all hostile span content. */
function hostileReport() {
  const db = openDatabase(':memory:');
  const traceId = hexId(16);
  const rootId = hexId(8);
  const startMs = UNTIL - 3_600_000;
  const tool = makeSpan({ traceId, parentSpanId: rootId, startMs, kind: 'tool', status: 'error', agent: HOSTILE, operation: `tool:${HOSTILE}`, tool: { name: HOSTILE, arguments: '{}', result: '{}' } });
  createSpanWriter(db)([makeSpan({ traceId, spanId: rootId, startMs, kind: 'agent', agent: HOSTILE, service: HOSTILE, operation: `agent:${HOSTILE}` }), tool], startMs);
  createFlagWriter(db).replaceFlags(
    traceId,
    [{ id: hexId(8), traceId, detector: 'silent_failure', severity: 'critical', summary: HOSTILE, spanIds: [tool.spanId], evidence: { tool: HOSTILE }, signature: HOSTILE, service: HOSTILE, agent: HOSTILE, tool: HOSTILE, runStartNs: BigInt(startMs) * 1_000_000n }],
    UNTIL,
  );
  return buildReport(createSqliteStorage(db, { path: ':memory:' }).reportQueries, { id: 'r1', sinceMs: UNTIL - 86_400_000, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://127.0.0.1:4318' });
}

describe('report renderings', () => {
  it('escapes span content in the HTML and keeps it free of scripts and external requests', async () => {
    const html = renderHtml(await hostileReport());
    // Every `<` left is one of our own tags: span content cannot open an element.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z0-9!]+)/g)].map((match) => match[1]!.toLowerCase()));
    const allowed = ['!doctype', 'html', 'head', 'meta', 'title', 'body', 'table', 'tr', 'td', 'th', 'p', 'h1', 'h2', 'div', 'span', 'a', 'strong', 'em', 'br', 'svg', 'rect', 'line', 'text'];
    expect([...tags].filter((tag) => !allowed.includes(tag))).toEqual([]);
    // No event handler, script URL or external resource inside any tag.
    for (const tag of html.matchAll(/<[^>]*>/g)) expect(tag[0]).not.toMatch(/\son\w+=|javascript:|\ssrc=|url\(|@import/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    // Every href points into the configured web view.
    for (const match of html.matchAll(/href="([^"]*)"/g)) expect(match[1]).toMatch(/^http:\/\/127\.0\.0\.1:4318\//);
    expect(html).toContain('<svg');
  });

  it('escapes span content in the Markdown so no link, HTML, code span, table cell or mention can be injected', async () => {
    const markdown = renderMarkdown(await hostileReport());
    expect(markdown).not.toContain('<script');
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('[click](');
    expect(markdown).not.toContain('@channel');
    expect(markdown).not.toMatch(/(?<!\\)`code(?<!\\)`/);
    const summaryRow = markdown.split('\n').find((line) => line.includes('alert(1)') && line.includes('Silent failure'));
    expect(summaryRow).toBeDefined();
    // The table row keeps its 10 cells: no unescaped pipe from the summary splits it.
    expect(summaryRow!.split(/(?<!\\)\|/).length - 2).toBe(9);
  });

  it('keeps escaped Markdown to one line', () => {
    expect(escapeMarkdown('a\nb\r\n# heading')).toBe('a b # heading');
  });

  it('renders an empty period without failing', async () => {
    const report = await buildReport(createSqliteStorage(openDatabase(':memory:'), { path: ':memory:' }).reportQueries, { id: 'r0', sinceMs: UNTIL - 86_400_000, untilMs: UNTIL, nowMs: UNTIL, publicUrl: 'http://h' });
    expect(renderMarkdown(report)).toContain('No flags in this period');
    expect(renderHtml(report)).toContain('No spans in this period');
  });
});
