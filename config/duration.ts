import { z } from 'zod';
import { parseDurationMs } from '../model/time.js';

/** A duration string such as `5s` or `24h`, parsed to milliseconds. */
export const duration = () =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 500ms, 5s, 30m, 24h or 7d, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });
