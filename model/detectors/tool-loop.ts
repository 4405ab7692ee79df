import { z } from 'zod';
import type { DetectorDescriptor } from './detector-descriptor.js';

/** What a loop cost, when measured: wall time of the looping calls and the tokens spent meanwhile. */
export type LoopCostEvidence = {
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
};

/**
 * The evidence of a tool_loop flag. `rule` names the shape (`identical_calls`, `failing_calls`,
 * `failing_tool`, `cycle`, `repeated_replies`, `empty_responses`, `stuck`, `actions_not_run`,
 * `iteration_cap`, …); the fields below are those
 * the web view and reports read, all optional because each shape records its own. Other fields
 * are shown as recorded.
 */
export type ToolLoopEvidence = LoopCostEvidence & {
  rule: string;
  tool?: string;
  arguments?: string | null;
  result?: string | null;
  /** Calls (or replies) in the loop. */
  repeats?: number;
  /** The count that made it a loop. */
  threshold?: number;
  [field: string]: unknown;
};

export const toolLoopOptionsSchema = z
  .object({
    minRepeats: z.coerce.number().int().min(2).default(4).describe('Identical calls (same tool, same normalised arguments, same result) in a row that make a loop. Default 4.'),
    minErrorRepeats: z.coerce.number().int().min(2).default(3).describe('Identical calls in a row that all failed the same way that make a loop. Default 3.'),
    minRepeatsWithoutResult: z.coerce.number().int().min(2).default(5).describe('Identical calls in a row when results were not recorded. Default 5.'),
    minCycles: z.coerce.number().int().min(2).default(3).describe('Repetitions of a cycle such as A→B→A→B (period 2..maxCyclePeriod) that make a loop. Default 3.'),
    maxCyclePeriod: z.coerce.number().int().min(2).max(6).default(3).describe('Longest cycle (in calls) looked for. Default 3.'),
  })
  .strict()
  .prefault({});

export const TOOL_LOOP: DetectorDescriptor<'tool_loop', 'toolLoop', typeof toolLoopOptionsSchema, ToolLoopEvidence> = {
  id: 'tool_loop',
  label: 'Tool loop',
  description: 'The agent repeats itself without progress: the same call with the same result, the same failure again and again, a cycle of calls, or the same reply turn after turn.',
  colour: { main: '#c2410c', text: '#b03a0a', soft: '#fff0e6', border: '#fbd0b5' },
  configKey: 'toolLoop',
  options: toolLoopOptionsSchema,
  rules: ['identical_calls', 'failing_calls', 'failing_tool', 'repeated_calls_no_result', 'cycle', 'repeated_replies', 'empty_responses', 'stuck', 'actions_not_run', 'iteration_cap'],
  baselines: [],
  failsRun: false,
};
