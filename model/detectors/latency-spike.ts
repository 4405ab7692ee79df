import { z } from 'zod';
import { durationSchema } from '../duration-schema.js';
import type { DetectorDescriptor } from './detector-descriptor.js';

/** The baseline a duration was judged against: robust statistics of earlier samples of one key. */
export type LatencyBaselineEvidence = {
  key: string;
  samples: number;
  windowMs: number;
  medianMs: number;
  p95Ms: number;
  /** Typical spread around the median, percent. */
  typicalSpreadPct: number;
  /** Share of the baseline samples shorter than the judged duration, percent. */
  percentileRank: number;
};

type JudgedDuration = {
  span: string;
  service: string;
  durationMs: number;
  startTime: string;
  ratio: number;
  score: number;
  threshold: number;
  baseline: LatencyBaselineEvidence;
};

/** The evidence of a latency_spike flag: one slow step, or a slow run (for as many spans). */
export type LatencySpikeEvidence =
  | (JudgedDuration & { rule: 'step'; operation: string })
  | (JudgedDuration & {
      rule: 'run';
      agent: string | null;
      spanCount: number;
      msPerSpan: number;
      perSpanBaseline: LatencyBaselineEvidence | null;
      /** The child that took most of the run's time. */
      dominantChild: { name: string; spanId: string; durationMs: number } | null;
    });

export const latencySpikeOptionsSchema = z
  .object({
    minSamples: z.coerce.number().int().min(3).default(10).describe('Baseline samples needed before a step or run is judged (cold start). Default 10.'),
    window: durationSchema().prefault('7d').describe('History (by span timestamp) a baseline draws on. Default 7d.'),
    bucket: durationSchema().prefault('1m').describe('Time bucket of the persisted baseline histograms. Default 1m.'),
    threshold: z.coerce.number().positive().default(3.5).describe('Modified z-score, 0.6745·(ln d − median)/MAD, above which a duration is a spike. Default 3.5.'),
    minRatio: z.coerce.number().min(1).default(3).describe('A spike is also at least this many times the baseline median. Default 3.'),
    minDurationMs: z.coerce.number().min(0).default(250).describe('Milliseconds; shorter spans are never spikes (2 ms → 9 ms is not). Default 250.'),
    minExcessMs: z.coerce.number().min(0).default(200).describe('Milliseconds a spike must exceed the baseline median by. Default 200.'),
    runs: z.boolean().default(true).describe('Also judge whole runs (per service + agent + root name). Default true.'),
  })
  .strict()
  .prefault({});

export const LATENCY_SPIKE: DetectorDescriptor<'latency_spike', 'latencySpike', typeof latencySpikeOptionsSchema, LatencySpikeEvidence> = {
  id: 'latency_spike',
  label: 'Latency spike',
  description: 'A step or a whole run took far longer than its own history (robust median and spread over a window, after a minimum number of samples).',
  colour: { main: '#0e7490', text: '#0e7490', soft: '#e2f4f8', border: '#bfe3ec' },
  configKey: 'latencySpike',
  options: latencySpikeOptionsSchema,
  rules: ['step', 'run'],
  baselines: ['latency'],
  failsRun: false,
};
