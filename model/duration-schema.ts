import { z } from 'zod';
import { parseDurationMs } from './time.js';

/** A configuration duration written with a unit (`500ms`, `5s`, `30m`, `24h`, `7d`), parsed to milliseconds. */
export const durationSchema = () =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 500ms, 5s, 30m, 24h or 7d, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });
