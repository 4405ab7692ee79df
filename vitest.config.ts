import { defineConfig } from 'vitest/config';

// One config for every suite. Browser and process-level tests start real servers and real
// Chromium, so timeouts are generous; nothing is retried, so a flaky test shows as a failure.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
