import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('prints help for each command', () => {
    const result = runCli(['serve', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/tracehound serve/);
  });
});
