import { describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite/database.js';
import { getReport, getReportRendering, insertReport, listReports, updateReportDelivery, type NewReport } from './report-store.js';

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
  it('lists reports newest first across pages and fetches each rendering', () => {
    const db = openDatabase(':memory:');
    for (let i = 0; i < 5; i++) insertReport(db, newReport(`r${i}`, 1_700_000_000_000 + i * 1000));
    const first = listReports(db, { limit: 2 });
    expect(first.reports.map((r) => r.id)).toEqual(['r4', 'r3']);
    const second = listReports(db, { limit: 2, cursor: first.nextCursor! });
    expect(second.reports.map((r) => r.id)).toEqual(['r2', 'r1']);
    const third = listReports(db, { limit: 2, cursor: second.nextCursor! });
    expect(third.reports.map((r) => r.id)).toEqual(['r0']);
    expect(third.nextCursor).toBeNull();
    expect(getReport(db, 'r2')?.body).toEqual({ id: 'r2' });
    expect(getReport(db, 'nope')).toBeNull();
    expect(getReportRendering(db, 'r2', 'html')).toBe('<p>r2</p>');
    expect(getReportRendering(db, 'r2', 'md')).toBe('# r2');
  });

  it('records a failed delivery on the report row', () => {
    const db = openDatabase(':memory:');
    insertReport(db, { ...newReport('r1', 1_700_000_000_000), deliveryStatus: 'pending' });
    updateReportDelivery(db, 'r1', { status: 'failed', attempts: 4, error: 'HTTP 500', atMs: 1_700_000_001_000 });
    expect(getReport(db, 'r1')?.delivery).toEqual({ status: 'failed', attempts: 4, error: 'HTTP 500', at: '2023-11-14T22:13:21.000Z' });
  });

  it('rejects a cursor it did not make', () => {
    const db = openDatabase(':memory:');
    expect(() => listReports(db, { cursor: 'garbage' })).toThrow(RangeError);
  });
});
