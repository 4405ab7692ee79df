import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, openDatabase } from './database.js';
import { openSqliteStorage } from './open-sqlite-storage.js';
import { createSearchBackfill } from './search-backfill.js';

/**
 * Runs stored before migration 0010 (full-text search) are found by search after an upgrade: a
 * database made at schema 0005 with runs in it is opened by the current code, the background
 * job indexes its spans, and `q` finds them.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0_NS = 1_790_000_000_000_000_000n;

function traceId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** A database file at schema version 0005 (before 0010) with `runs` runs of one model call and one tool call. */
function makeOldDatabase(runs: number, tools: (run: number) => { name: string; args: string; result: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-backfill-'));
  dirs.push(dir);
  const path = join(dir, 'old.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  for (const migration of listMigrations().filter((m) => m.version <= 5)) {
    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
  }
  db.prepare('INSERT INTO resources (hash, attributes) VALUES (?, ?)').run('r1', '{"service.name":"old-svc"}');
  const span = db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, otel_kind, start_ns, end_ns, duration_ms, status, status_message,
       service, agent, session_id, operation, llm, tool, attributes, events, resource_hash, scope_name, received_at_ms)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, 10, 'ok', '', 'old-svc', 'trip-agent', NULL, ?, ?, ?, '{}', '[]', 'r1', 'old', 0)`,
  );
  const run = db.prepare(
    `INSERT INTO runs (trace_id, service, agent, name, root_span_id, start_ns, end_ns, root_duration_ms, span_count, llm_call_count,
       tool_call_count, error_count, status, input_tokens, output_tokens, last_received_ms, analyzed)
     VALUES (?, 'old-svc', 'trip-agent', 'plan trip', ?, ?, ?, 30, 3, 1, 1, 0, 'ok', 10, 5, 0, 1)`,
  );
  for (let n = 1; n <= runs; n++) {
    const start = T0_NS + BigInt(n) * 1_000_000_000n;
    const tool = tools(n);
    span.run(traceId(n), `${n}`.padStart(16, 'a'), null, 'invoke_agent trip', 'agent', start, start + 30_000_000n, 'agent:trip', null, null);
    span.run(traceId(n), `${n}`.padStart(16, 'b'), `${n}`.padStart(16, 'a'), 'chat', 'llm', start + 1n, start + 10_000_000n, 'llm:m', JSON.stringify({ model: 'm', provider: null, inputTokens: 10, outputTokens: 5, finishReason: 'stop', outputText: `Booked run ${n}, enjoy the trip`, toolCallNames: [] }), null);
    span.run(traceId(n), `${n}`.padStart(16, 'c'), `${n}`.padStart(16, 'a'), `execute_tool ${tool.name}`, 'tool', start + 2n, start + 20_000_000n, `tool:${tool.name}`, null, JSON.stringify({ name: tool.name, arguments: tool.args, result: tool.result }));
    run.run(traceId(n), `${n}`.padStart(16, 'a'), start, start + 30_000_000n);
  }
  db.close();
  return path;
}

describe('search backfill of runs stored before migration 0010', () => {
  it('opens an old database, indexes its spans in the background, and search finds its runs', async () => {
    const path = makeOldDatabase(3, (n) =>
      n === 2 ? { name: 'book_hotel', args: '{"city":"Lisbon"}', result: '{"hotel":"Alfama Inn"}' } : { name: 'book_hotel', args: '{"city":"Porto"}', result: '{"hotel":"Ribeira"}' },
    );
    const storage = await openSqliteStorage({ path });
    try {
      const deadline = Date.now() + 20_000;
      let found: string[] = [];
      while (Date.now() < deadline) {
        found = (await storage.runs.listRuns({ q: 'Lisbon' })).runs.map((run) => run.traceId);
        if (found.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(found).toEqual([traceId(2)]);
      expect((await storage.runs.listRuns({ q: 'ribeira' })).runs.map((run) => run.traceId).sort()).toEqual([traceId(1), traceId(3)]);
      // A model call's answer is indexed too.
      expect((await storage.runs.listRuns({ q: 'booked enjoy' })).runs).toHaveLength(3);
    } finally {
      await storage.close();
    }
  });

  it('walks in bounded steps, skips spans already indexed, and ends by removing its cursor', () => {
    const path = makeOldDatabase(5, (n) => ({ name: 'search', args: `{"q":"word${n}"}`, result: '[]' }));
    const db = openDatabase(path);
    try {
      // One span already indexed (as if a content-event join had re-indexed it): not indexed twice.
      db.prepare('INSERT INTO span_search (rowid, body) VALUES (?, ?)').run(3, 'already there');
      const backfill = createSearchBackfill(db);
      expect(backfill.remaining()).toBe(15);
      let steps = 0;
      while (!backfill.step(4)) steps++;
      expect(steps).toBe(3);
      expect(backfill.remaining()).toBe(0);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'search_backfill'").get()).toBeDefined();
      expect(db.prepare('SELECT COUNT(*) AS n FROM search_backfill').get()).toEqual({ n: 0 });
      // 5 runs × (agent with no text, model call, tool call): 10 spans with words, one of them pre-indexed.
      expect(db.prepare('SELECT COUNT(*) AS n FROM span_search').get()).toEqual({ n: 10 });
      expect(db.prepare("SELECT rowid FROM span_search WHERE span_search MATCH 'word4'").all()).toEqual([{ rowid: 12 }]);
      expect(createSearchBackfill(db).step()).toBe(true);
    } finally {
      db.close();
    }
  });

  it('has nothing to do on a database created at the current schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracehound-backfill-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'new.db'));
    try {
      expect(createSearchBackfill(db).remaining()).toBe(0);
      expect(db.prepare('SELECT COUNT(*) AS n FROM search_backfill').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
