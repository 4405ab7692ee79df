import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm test`'s pretest step on a machine without Chromium: one clear message, exit 1. */
describe('scripts/check-test-prereqs.mjs', () => {
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ['scripts/check-test-prereqs.mjs'], { env: { ...process.env, ...env }, encoding: 'utf8' });

  it('names the missing browser and the one command that installs it, and exits 1', () => {
    const result = run({ TRACEHOUND_CHROMIUM: '/nonexistent/chromium' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing Chromium (/nonexistent/chromium)');
    expect(result.stderr).toContain('bash .ci/run');
  });

  it('passes quietly when the browser is there', () => {
    const result = run({ TRACEHOUND_CHROMIUM: process.execPath });
    expect(result.stderr).not.toContain('Chromium');
  });
});
