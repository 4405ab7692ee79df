import { codingAgent } from './agents/coding-agent.js';
import { researchAgent } from './agents/research-agent.js';
import { supportAgent } from './agents/support-agent.js';
import { createRandom } from '../model/seeded-random.js';
import type { DemoAgent, RunScript, Scenario } from './run-script.js';

export const DEMO_AGENTS: readonly DemoAgent[] = [supportAgent, researchAgent, codingAgent];

export interface DemoPlanOptions {
  /** How many runs. */
  runs: number;
  /** Same seed, same runs (inputs, calls, durations, times relative to `nowMs`). */
  seed: number;
  /** "Now", epoch milliseconds; every run ends before it. */
  nowMs: number;
  /** How far back the history reaches, in days. */
  days: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Share of runs that fail in some way. */
const FAILURE_SHARE = 0.2;

/**
 * The demo's runs, oldest first. About a fifth fail, cycling through every agent's failure
 * scenarios so even a short demo shows each kind; the rest are ordinary runs spread over the
 * past `days` so latency baselines exist. Latency spikes are placed in the last hour, after
 * their baseline; other failures land half in the last six hours, half in the history.
 */
export function planDemoRuns(options: DemoPlanOptions): RunScript[] {
  const random = createRandom(options.seed);
  const runs = Math.max(1, Math.floor(options.runs));
  const historyStartMs = options.nowMs - options.days * 24 * HOUR_MS;
  const failureOrder = interleave(DEMO_AGENTS.map((agent) => agent.failures.map((scenario) => ({ agent, scenario }))));
  const failureCount = Math.min(runs, Math.max(1, Math.round(runs * FAILURE_SHARE)));

  const planned: { agent: DemoAgent; scenario: Scenario; startMs: number }[] = [];
  for (let i = 0; i < failureCount; i++) {
    const { agent, scenario } = failureOrder[i % failureOrder.length]!;
    let startMs: number;
    if (scenario === 'latency_spike') startMs = options.nowMs - random.int(5 * MINUTE_MS, HOUR_MS);
    else if (random.chance(0.5)) startMs = options.nowMs - random.int(10 * MINUTE_MS, 6 * HOUR_MS);
    else startMs = between(random.next(), historyStartMs + (options.nowMs - historyStartMs) * 0.3, options.nowMs - 6 * HOUR_MS);
    planned.push({ agent, scenario, startMs });
  }
  for (let i = 0; planned.length < runs; i++) {
    const agent = DEMO_AGENTS[i % DEMO_AGENTS.length]!;
    planned.push({ agent, scenario: 'normal', startMs: between(random.next(), historyStartMs, options.nowMs - 5 * MINUTE_MS) });
  }
  planned.sort((a, b) => a.startMs - b.startMs);

  return planned.map(({ agent, scenario, startMs }) => {
    const body = agent.script(scenario, random);
    return {
      agent: agent.agent,
      model: agent.model,
      provider: agent.provider,
      scenario,
      startMs: Math.round(startMs),
      conversationId: `${agent.agent}-${random.int(100000, 999999)}`,
      ...body,
    };
  });
}

function between(fraction: number, fromMs: number, toMs: number): number {
  return fromMs + fraction * Math.max(0, toMs - fromMs);
}

/** [[a1,a2],[b1],[c1,c2]] → [a1,b1,c1,a2,c2]. */
function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((list) => i < list.length); i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
