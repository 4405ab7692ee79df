/**
 * Retries `check` every 50 ms until it passes or `settleMs` is over, then throws its last error.
 * Conformance cases read through it so a backend whose writes become visible a little after they
 * are acknowledged (ClickHouse's replicated tables) passes the same assertions as SQLite (0 ms).
 */
export async function eventually(settleMs: number, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
