import { describe, expect, it } from 'vitest';
import type { NewReport } from '../api.js';
import { openDatabase } from './database.js';
import { createSqliteReportStore } from './sqlite-report-store.js';

const openStore = () => createSqliteReportStore(openDatabase(':memory:'));

function newReport(id: string, createdAtMs: number): NewReport {
  return {
    id,
    createdAtMs,
    sinceMs: createdAtMs - 86_400_000,
    untilMs: createdAtMs,
    trigger: 'cli',
    summary: { runs: 3, failedRuns: 1, failureRate: 1 / 3, flags: 2, criticalFlags: 1, signatures: 1, newSignatures: 1, latencyRegressions: 0 },
    bodyJson: JSON.stringify({ id }),
    bodyHtml: `<p>${id}</p>`,
    bodyMd: `# ${id}`,
  };
}

describe('report store', () => {
  it('lists reports newest first across pages and fetches each rendering', async () => {
    const store = openStore();
    for (let i = 0; i < 5; i++) await store.insertReport(newReport(`r${i}`, 1_700_000_000_000 + i * 1000));
    const first = await store.listReports({ limit: 2 });
    expect(first.reports.map((r) => r.id)).toEqual(['r4', 'r3']);
    const second = await store.listReports({ limit: 2, cursor: first.nextCursor! });
    expect(second.reports.map((r) => r.id)).toEqual(['r2', 'r1']);
    const third = await store.listReports({ limit: 2, cursor: second.nextCursor! });
    expect(third.reports.map((r) => r.id)).toEqual(['r0']);
    expect(third.nextCursor).toBeNull();
    expect((await store.getReport('r2'))?.body).toEqual({ id: 'r2' });
    expect(await store.getReport('nope')).toBeNull();
    expect(await store.getReportRendering('r2', 'html')).toBe('<p>r2</p>');
    expect(await store.getReportRendering('r2', 'md')).toBe('# r2');
  });

  it('records a failed delivery on the report row', async () => {
    const store = openStore();
    await store.insertReport({ ...newReport('r1', 1_700_000_000_000), deliveryStatus: 'pending' });
    await store.updateReportDelivery('r1', { status: 'failed', attempts: 4, error: 'HTTP 500', atMs: 1_700_000_001_000 });
    expect((await store.getReport('r1'))?.delivery).toEqual({ status: 'failed', attempts: 4, error: 'HTTP 500', at: '2023-11-14T22:13:21.000Z' });
  });

  it('rejects a cursor it did not make', async () => {
    await expect(openStore().listReports({ cursor: 'garbage' })).rejects.toThrow(RangeError);
  });
});
