import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusName } from './real-run.js';

/**
 * Our labels of one run (labels/<corpus>.json; the rules are in labels/RULES.md):
 * - tool_loop / silent_failure: yes/no, derived from the source's own labels and reviewed by hand.
 * - latency_spike: only for runs with real times (mini-swe-agent); absent otherwise.
 * - why: the evidence for the label, in a few words (source label, step, reviewer's note).
 */
export interface RunLabel {
  tool_loop: boolean;
  silent_failure: boolean;
  latency_spike?: boolean;
  why: string;
}

export const LABELS_DIR = join(import.meta.dirname, 'labels');

export function labelsFile(corpus: CorpusName): string {
  return join(LABELS_DIR, `${corpus}.json`);
}

export function readLabels(corpus: CorpusName): Record<string, RunLabel> {
  return JSON.parse(readFileSync(labelsFile(corpus), 'utf8')) as Record<string, RunLabel>;
}

/** Labels as JSON with one run per line (reviewable diffs). */
export function formatLabels(labels: Record<string, RunLabel>): string {
  const lines = Object.keys(labels)
    .sort()
    .map((runId) => `  ${JSON.stringify(runId)}: ${JSON.stringify(labels[runId])}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
