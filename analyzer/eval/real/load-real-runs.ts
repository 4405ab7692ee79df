import type { OtlpTraceRequest } from '../../../model/otlp.js';
import { corporaDir } from './corpora-dir.js';
import { readLabels, type RunLabel } from './labels.js';
import { readMiniSweAgentRuns } from './read-mini-swe-agent.js';
import { readTauRuns } from './read-tau-bench.js';
import { readWhoAndWhenRuns } from './read-who-and-when.js';
import { CORPORA, type CorpusName, type RealRun } from './real-run.js';
import { renderRealRun, traceIdOf } from './render-real-run.js';
import { splitOf, type Split } from './split.js';

export interface ReplayedRun {
  run: RealRun;
  traceId: string;
  request: OtlpTraceRequest;
  label: RunLabel;
  split: Split;
}

export function readRealRuns(corpus: CorpusName, dir = corporaDir()): RealRun[] {
  switch (corpus) {
    case 'mini-swe-agent':
      return readMiniSweAgentRuns(dir);
    case 'who-and-when':
      return readWhoAndWhenRuns(dir);
    case 'tau-airline':
    case 'tau-retail':
      return readTauRuns(dir, corpus);
  }
}

/**
 * Every labelled run of the corpora, replayed as OTLP, with its label and split. Throws when a
 * run has no label (the labels files must cover the corpora exactly).
 */
export function loadReplayedRuns(corpora: readonly CorpusName[] = CORPORA): ReplayedRun[] {
  const dir = corporaDir();
  const out: ReplayedRun[] = [];
  for (const corpus of corpora) {
    const labels = readLabels(corpus);
    for (const run of readRealRuns(corpus, dir)) {
      const label = labels[run.runId];
      if (label === undefined) throw new Error(`no label for ${run.runId} in labels/${corpus}.json`);
      out.push({ run, traceId: traceIdOf(run.runId), request: renderRealRun(run), label, split: splitOf(run.runId) });
    }
  }
  return out;
}
