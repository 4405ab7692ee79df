import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/tracehound.js', import.meta.url).pathname;

function runCli(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'th-cli-'));
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ...result, cwd };
}

describe('tracehound command line', () => {
  it('stops with exit code 2 and one line naming a bad flag value', () => {
    const result = runCli(['serve', '--port', 'abc']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/server\.port/);
  });

  it('stops with exit code 2 on an unknown config key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-cli-config-'));
    const configPath = join(dir, 'bad.yaml');
    writeFileSync(configPath, 'storage:\n  pth: x.db\n');
    const result = runCli(['serve', '--config', configPath]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown key "storage\.pth"/);
  });

  it('stops with exit code 2 on an unknown flag or command', () => {
    expect(runCli(['serve', '--prot', '1']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
  });

  it('blames --port, not the config file, for a bad port (issue 17, defect 11)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-cli-config-'));
    const configPath = join(dir, 'good.yaml');
    writeFileSync(configPath, 'server:\n  host: 127.0.0.1\n');
    const result = runCli(['serve', '--config', configPath, '--port', 'abc']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^tracehound: --port: server\.port: /);
    expect(result.stderr).not.toContain(configPath);
    expect(runCli(['serve'], { TRACEHOUND_PORT: 'x' }).stderr).toMatch(/^tracehound: TRACEHOUND_PORT: server\.port/);
  });

  it('says in one line that a port is taken, and exits 1 (issue 17, defect 11)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'th-cli-busy-'));
      const result = spawnSync(process.execPath, [BIN, 'serve', '--port', String(port), '--grpc-port', '0', '--db', join(dir, 't.db')], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', TRACEHOUND_LOG_LEVEL: 'error' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toEqual([`tracehound serve: 127.0.0.1:${port} is already in use (another tracehound?); pick another port with --port N (or --grpc-port N, TRACEHOUND_PORT)`]);
    } finally {
      server.close();
    }
  });

  it('prints its version (issue 17, defect 11)', () => {
    const result = runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^tracehound \d+\.\d+\.\d+/);
  });

  it('refuses a --db that does not exist for analyze and report instead of creating it (issue 17, defect 11)', () => {
    for (const command of ['analyze', 'report']) {
      const result = runCli([command, '--db', 'typo.db']);
      expect(result.status, command).toBe(2);
      expect(result.stderr, command).toContain('--db typo.db: no such database file');
      expect(existsSync(join(result.cwd, 'typo.db')), command).toBe(false);
    }
  });

  it('prints help for each command', () => {
    const result = runCli(['serve', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/tracehound serve/);
  });
});
