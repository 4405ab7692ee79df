import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import { createFlagWriter } from '../store/flag-writer.js';
import { createLogger } from '../ops/logger.js';
import type { Flag, Severity } from '../model/api.js';
import { hexId } from '../test/support/normalized-spans.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { createAlerter, type AlertPayload } from './alerter.js';

const logger = createLogger('silent');
const HOUR_MS = 3_600_000;

/** Stores one flag through the analyser's flag writer and returns it in API shape (as onFlagsRaised gives it). */
function storeFlag(db: Db, signature: string, severity: Severity = 'critical', agent = 'researcher'): Flag {
  const traceId = hexId(16);
  const { raised } = createFlagWriter(db).replaceFlags(
    traceId,
    [{ id: hexId(8), traceId, detector: 'tool_loop', severity, summary: `looped on ${signature}`, spanIds: [], evidence: {}, signature, service: 'svc', agent, tool: 'search', runStartNs: 1n }],
    0,
  );
  return raised[0]!;
}

function setup(options: { maxPerHour?: number; dedupWindowMs?: number } = {}) {
  const db = openDatabase(':memory:');
  let nowMs = Date.UTC(2026, 10, 23, 9, 0, 0);
  const sent: AlertPayload[] = [];
  const alerter = createAlerter({ flags: createSqliteStorage(db, { path: ':memory:' }).flags, logger, publicUrl: 'http://th.example/', send: (alert) => sent.push(alert), flushIntervalMs: 0, now: () => nowMs, ...options });
  return { db, sent, alerter, advance: (ms: number) => (nowMs += ms) };
}

describe('alerter', () => {
  it('sends one alert and then one count for a thousand flags of one looping signature', async () => {
    const { db, sent, alerter, advance } = setup();
    const flags = Array.from({ length: 1000 }, () => storeFlag(db, 'tool_loop:researcher:search:identical_calls'));
    for (const flag of flags) {
      await alerter.handleFlags([flag]);
      advance(1000);
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'alert',
      type: 'first',
      signature: 'tool_loop:researcher:search:identical_calls',
      severity: 'critical',
      agent: 'researcher',
      count: 1,
      traceId: flags[0]!.traceId,
      links: { run: `http://th.example/runs/${flags[0]!.traceId}`, flags: 'http://th.example/flags?detector=tool_loop' },
    });
    expect(sent[0]!.text).toContain('critical tool loop');
    alerter.flush(); // 1000 s after the first: still inside the hour
    expect(sent).toHaveLength(1);
    advance(HOUR_MS);
    alerter.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ type: 'repeat', count: 999, traceId: flags[999]!.traceId });
    expect(sent[1]!.text).toContain('happened 999 more times');
    alerter.flush();
    expect(sent).toHaveLength(2);
  });

  it('alerts each signature separately and ignores flags below the minimum severity', async () => {
    const { db, sent, alerter } = setup();
    await alerter.handleFlags([storeFlag(db, 'a'), storeFlag(db, 'b'), storeFlag(db, 'a'), storeFlag(db, 'c', 'warning')]);
    expect(sent.map((alert) => alert.signature)).toEqual(['a', 'b']);
  });

  it('holds alerts over the hourly limit, says so, and sends them with their counts when the budget allows', async () => {
    const { db, sent, alerter, advance } = setup({ maxPerHour: 2 });
    for (const signature of ['s1', 's2', 's3', 's4', 's3']) await alerter.handleFlags([storeFlag(db, signature)]);
    expect(sent.map((alert) => alert.signature)).toEqual(['s1', 's2']);
    advance(HOUR_MS);
    alerter.flush();
    expect(sent.map((alert) => alert.signature)).toEqual(['s1', 's2', 's3', 's4']);
    expect(sent[2]).toMatchObject({ type: 'first', count: 2, rateLimited: 1 });
    expect(sent[3]).toMatchObject({ count: 1, rateLimited: 0 });
  });

  it('finds the signature of a flag given without one from the store', async () => {
    const { db, sent, alerter } = setup();
    const flag = storeFlag(db, 'stored-signature');
    expect('signature' in flag).toBe(false);
    await alerter.handleFlags([flag]);
    expect(sent[0]).toMatchObject({ signature: 'stored-signature', service: 'svc', agent: 'researcher' });
  });

  it('escapes span text in the Slack message', async () => {
    const { db, sent, alerter } = setup();
    const flag = { ...storeFlag(db, 'x', 'critical', '<!channel>'), summary: 'see <https://evil|here> & more' };
    await alerter.handleFlags([flag]);
    expect(sent[0]!.text).not.toContain('<!channel>');
    expect(sent[0]!.text).not.toContain('<https://evil|here>');
    expect(sent[0]!.text).toContain('&lt;https://evil|here&gt; &amp; more');
  });
});
