import { describe, expect, it } from 'vitest';
import { createLogger } from '../ops/logger.js';
import { startReportScheduler, validateSchedule } from './scheduler.js';

const logger = createLogger('silent');
const noop = () => undefined;

describe('report scheduler', () => {
  it('runs the default schedule at 02:00 in the configured time zone', () => {
    const from = new Date('2026-11-22T12:00:00Z');
    const utc = startReportScheduler({ schedule: '0 2 * * *', timezone: 'UTC', run: noop, logger });
    const berlin = startReportScheduler({ schedule: '0 2 * * *', timezone: 'Europe/Berlin', run: noop, logger });
    const newYork = startReportScheduler({ schedule: '30 6 * * 1-5', timezone: 'America/New_York', run: noop, logger });
    try {
      expect(utc.nextRunAfter(from)?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
      // CET is UTC+1 in November; CEST (UTC+2) in July.
      expect(berlin.nextRunAfter(from)?.toISOString()).toBe('2026-11-23T01:00:00.000Z');
      expect(berlin.nextRunAfter(new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe('2026-07-02T00:00:00.000Z');
      // Sunday 22 Nov → Monday 23 Nov 06:30 EST (UTC−5).
      expect(newYork.nextRunAfter(from)?.toISOString()).toBe('2026-11-23T11:30:00.000Z');
    } finally {
      utc.stop();
      berlin.stop();
      newYork.stop();
    }
  });

  it('fires at the scheduled second and passes that instant to the report', async () => {
    const fired: number[] = [];
    const scheduler = startReportScheduler({ schedule: '* * * * * *', timezone: 'UTC', run: (at) => void fired.push(at), logger });
    try {
      const deadline = Date.now() + 3000;
      while (fired.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      scheduler.stop();
    }
    expect(fired.length).toBeGreaterThanOrEqual(1);
    expect(fired[0]! % 1000).toBe(0);
    expect(Math.abs(Date.now() - fired[0]!)).toBeLessThan(5000);
  });

  it('keeps the schedule going when a report throws', async () => {
    let calls = 0;
    const scheduler = startReportScheduler({
      schedule: '* * * * * *',
      timezone: 'UTC',
      run: () => {
        calls++;
        throw new Error('disk full');
      },
      logger,
    });
    try {
      const deadline = Date.now() + 4000;
      while (calls < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      scheduler.stop();
    }
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('rejects a bad expression or time zone with a message naming the key', () => {
    expect(() => validateSchedule('0 25 * * *', 'UTC')).toThrow(/reports\.schedule "0 25 \* \* \*"/);
    expect(() => validateSchedule('0 2 * * *', 'Mars/Olympus')).toThrow(/time zone "Mars\/Olympus"/);
  });
});
