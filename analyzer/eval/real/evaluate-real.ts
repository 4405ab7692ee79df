import { DETECTOR_IDS, type DetectorId, type Flag } from '../../../model/api.js';
import type { AnalyzerOptions } from '../../detector.js';
import { analyseRequests, scoreOf, type DetectorScore, type OpenEvalStorage } from '../evaluate.js';
import { loadReplayedRuns, type ReplayedRun } from './load-real-runs.js';
import { CORPORA, type CorpusName } from './real-run.js';
import type { Split } from './split.js';

export interface RealMiss {
  kind: 'missed' | 'false_alarm';
  detector: DetectorId;
  split: Split;
  runId: string;
  framework: string;
  /** Why the run is labelled the way it is. */
  label: string;
  /** The flags raised on the run (false alarm: the detector's own). */
  flags: string;
}

export interface RealEvaluation {
  runs: number;
  spans: number;
  analyzeMs: number;
  /** Scores per split; latency_spike only over runs with real times. */
  scores: Record<Split, DetectorScore[]>;
  /** Scores per split and corpus (runs without real times: latency_spike not scored, 0/0/0). */
  byCorpus: Record<Split, Record<CorpusName, DetectorScore[]>>;
  misses: RealMiss[];
}

/** Whether a run is scored for a detector: latency only where the source recorded times. */
export function scoredFor(item: ReplayedRun, detector: DetectorId): boolean {
  return detector !== 'latency_spike' || (item.run.timed && item.label.latency_spike !== undefined);
}

export function expectedOf(item: ReplayedRun, detector: DetectorId): boolean {
  return detector === 'tool_loop' ? item.label.tool_loop : detector === 'silent_failure' ? item.label.silent_failure : item.label.latency_spike === true;
}

/**
 * Replays every labelled real run (loadReplayedRuns), ingests and analyses them exactly as the
 * service does (analyseRequests), and scores each detector per split: a run counts as flagged
 * by a detector when it has at least one flag of it.
 */
export async function evaluateReal(openStorage: OpenEvalStorage, options?: AnalyzerOptions, corpora: readonly CorpusName[] = CORPORA): Promise<RealEvaluation> {
  const replayed = loadReplayedRuns(corpora);
  // Runs with real times go in time order so each sees the baselines of the runs before it.
  const ordered = [...replayed].sort((a, b) => Number(a.run.timed) - Number(b.run.timed));
  return analyseRequests(openStorage, ordered.map((item) => item.request), options, ({ spans, analyzeMs, flagsOf }) => {
    const counts = new Map<string, { tp: number; fp: number; fn: number }>();
    const bump = (key: string, field: 'tp' | 'fp' | 'fn') => {
      const count = counts.get(key) ?? { tp: 0, fp: 0, fn: 0 };
      count[field]++;
      counts.set(key, count);
    };
    const misses: RealMiss[] = [];
    for (const item of replayed) {
      const flags: Flag[] = flagsOf(item.traceId);
      for (const detector of DETECTOR_IDS) {
        if (!scoredFor(item, detector)) continue;
        const raised = flags.filter((flag) => flag.detector === detector);
        const expected = expectedOf(item, detector);
        const field = expected && raised.length > 0 ? 'tp' : expected ? 'fn' : raised.length > 0 ? 'fp' : null;
        if (field === null) continue;
        bump(`${item.split}|all|${detector}`, field);
        bump(`${item.split}|${item.run.corpus}|${detector}`, field);
        if (field === 'tp') continue;
        misses.push({
          kind: field === 'fn' ? 'missed' : 'false_alarm',
          detector,
          split: item.split,
          runId: item.run.runId,
          framework: item.run.framework,
          label: item.label.why,
          flags: (field === 'fn' ? flags : raised).map((flag) => `${flag.detector}: ${flag.summary}`).join(' | ') || '(no flags)',
        });
      }
    }
    const score = (split: Split, corpus: string) =>
      DETECTOR_IDS.map((detector) => {
        const count = counts.get(`${split}|${corpus}|${detector}`) ?? { tp: 0, fp: 0, fn: 0 };
        return scoreOf(detector, count.tp, count.fp, count.fn);
      });
    const splits: Split[] = ['dev', 'holdout'];
    return {
      runs: replayed.length,
      spans,
      analyzeMs,
      scores: Object.fromEntries(splits.map((split) => [split, score(split, 'all')])) as Record<Split, DetectorScore[]>,
      byCorpus: Object.fromEntries(splits.map((split) => [split, Object.fromEntries(corpora.map((corpus) => [corpus, score(split, corpus)]))])) as RealEvaluation['byCorpus'],
      misses,
    };
  });
}
