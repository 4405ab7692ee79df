import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, openSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeProtobuf, freshId, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { spawnServe } from './support/serve-process.js';
import { backupCommand } from '../../cli/commands/backup.js';
import { UsageError } from '../../cli/usage-error.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tracehound-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tracehound(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/tracehound.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

/** Same as spawnSync, but leaves this process's event loop free for the server's senders. */
function tracehoundAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/tracehound.js'), ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const countSpans = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return {
      spans: (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n,
      check: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
};

describe('tracehound backup', () => {
  it('copies the database consistently while serve keeps taking spans', async () => {
    const dbPath = join(dir, 'live.db');
    const server = await spawnServe(['--db', dbPath], dir);
    let acknowledged = 0;
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const traceId = freshId(16);
        const spans = Array.from({ length: 50 }, () => jsonSpan({ traceId, spanId: freshId(8) }));
        const response = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array(encodeProtobuf(jsonRequest(spans))) });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged += spans.length;
      }
    })();
    try {
      while (acknowledged < 2000) await new Promise((resolve) => setTimeout(resolve, 20));
      const before = acknowledged;
      const out = join(dir, 'copy.db');
      const result = await tracehoundAsync(['backup', '--db', dbPath, '--out', out]);
      const after = acknowledged;
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^backed up .* quick_check ok/);
      const copy = countSpans(out);
      expect(copy.check).toBe('ok');
      expect(copy.spans).toBeGreaterThanOrEqual(before); // everything acknowledged before the backup began
      expect(copy.spans % 50).toBe(0); // whole requests only: one consistent snapshot
      expect(after).toBeGreaterThan(before); // ingest kept flowing meanwhile
      expect(existsSync(`${out}.partial`)).toBe(false);
      console.log(`backup: ${copy.spans} spans copied while serving (${before} acknowledged before, ${after} after), ${statSync(out).size} bytes`);

      await expect(backupCommand(['--db', dbPath, '--out', out])).rejects.toThrow(new UsageError(`backup: ${out} exists; pass --force to overwrite it`));
    } finally {
      sending = false;
      await sender;
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('asks for --out and names a missing database (usage errors: exit code 2)', async () => {
    await expect(backupCommand(['--db', join(dir, 'live.db')])).rejects.toThrow(new UsageError('backup: --out F is required (where the copy goes)'));
    await expect(backupCommand(['--db', join(dir, 'nope.db'), '--out', join(dir, 'x.db')])).rejects.toThrow(UsageError);
    await expect(backupCommand(['--db', join(dir, 'nope.db'), '--out', join(dir, 'x.db')])).rejects.toThrow(/database .*nope\.db does not exist/);
  });
});

describe('start-up on a damaged database', () => {
  it('refuses a file that is not SQLite with one clear line, exit code 1', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const result = tracehound(['serve', '--port', '0', '--db', path]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `tracehound serve: database ${path} is damaged (file is not a database); restore a copy made with "tracehound backup", or move the file aside to start empty`,
    ]);
  });

  it('refuses a database with a corrupted page found by quick_check, with one clear line', () => {
    const path = join(dir, 'corrupt.db');
    const db = new Database(path);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT); CREATE INDEX filler_text ON filler(text);');
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
    })();
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, Math.floor(statSync(path).size / 2 / 4096) * 4096);
    closeSync(fd);
    const result = tracehound(['serve', '--port', '0', '--db', path]);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tracehound serve: database .* is damaged \(integrity check failed: .*\); restore a copy/);
  });
});
