import { fnv1a64 } from '../../../model/hash.js';
import { createRandom, type Random } from '../../../model/seeded-random.js';

/**
 * Plausible times for runs whose source recorded none (Who&When, AgentRx, tau-bench): the same
 * run id always gets the same times. Model calls last about 1.2 s plus 15 ms per output token,
 * tools a few hundred ms (a browser action a few seconds), a simulated user a few seconds to
 * reply. No spikes are made on purpose, and these runs are left out of latency figures.
 */
export interface PlausibleClock {
  /** A model call writing `outputChars` characters: [start, end] epoch ms; moves the clock on. */
  model(outputChars: number): [number, number];
  /** A tool call; `slow` for browser/code-execution actions. */
  tool(slow?: boolean): [number, number];
  /** Time passing with nothing traced (a user typing). */
  pause(medianMs: number): void;
  now(): number;
}

/** Synthetic runs start at this epoch (2025-03-03T00:00:00Z), one every 7 minutes in corpus order. */
const BASE_MS = Date.UTC(2025, 2, 3);

export function plausibleClock(runId: string, index: number): PlausibleClock {
  const random: Random = createRandom(Number.parseInt(fnv1a64(runId).slice(0, 8), 16));
  let t = BASE_MS + index * 7 * 60_000;
  const advance = (ms: number): [number, number] => {
    const start = t;
    t += Math.max(1, Math.round(ms));
    const end = t;
    t += random.int(2, 25);
    return [start, end];
  };
  return {
    model: (outputChars) => advance(random.logNormal(1200, 0.25) + 15 * Math.ceil(outputChars / 4)),
    tool: (slow = false) => advance(random.logNormal(slow ? 2500 : 180, 0.35)),
    pause: (medianMs) => {
      t += Math.round(random.logNormal(medianMs, 0.4));
    },
    now: () => t,
  };
}
