import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, openDatabase } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'tracehound-0020-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 0020 (full-text index without positions)', () => {
  it('keeps every word already indexed, per span, and search and forgetting work after it', () => {
    const path = join(dir, 'before-0020.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    for (const migration of listMigrations().filter((m) => m.version < 20)) {
      old.exec(migration.sql);
      old.pragma(`user_version = ${migration.version}`);
    }
    const insert = old.prepare('INSERT INTO span_search (rowid, body) VALUES (?, ?)');
    insert.run(7, 'Flights to Lisbon, café prices');
    insert.run(9, 'Berlin weather report');
    old.close();

    const db = openDatabase(path);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'span_search'").pluck().get()).toContain('detail = none');
    const match = (query: string) => db.prepare('SELECT rowid FROM span_search WHERE span_search MATCH ? ORDER BY rowid').pluck().all(query);
    expect(match('"lisbon"')).toEqual([7]);
    expect(match('"cafe"')).toEqual([7]); // diacritics folded as before
    expect(match('"prices" "flights"')).toEqual([7]);
    expect(match('"berl"*')).toEqual([9]);
    expect(match('"weather" "lisbon"')).toEqual([]);
    db.prepare('INSERT INTO span_search (rowid, body) VALUES (?, ?)').run(11, 'Lisbon again');
    expect(match('"lisbon"')).toEqual([7, 11]);
    db.prepare('DELETE FROM span_search WHERE rowid = 7').run();
    expect(match('"lisbon"')).toEqual([11]);
    db.close();
  });
});
