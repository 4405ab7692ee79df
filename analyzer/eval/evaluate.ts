import { configSchema } from '../../config/schema.js';
import { DETECTOR_IDS, type DetectorId, type Flag } from '../../model/api.js';
import type { OtlpTraceRequest } from '../../model/otlp.js';
import { normalizeRequest } from '../../model/normalize/normalize-span.js';
import type { Storage } from '../../store/api.js';
import { createAnalyzer } from '../analysis-loop.js';
import type { AnalyzerOptions } from '../detector.js';
import type { GeneratedRun } from './generate-runs.js';

export interface DetectorScore {
  detector: DetectorId;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  kind: 'missed' | 'false_alarm';
  detector: DetectorId;
  traceId: string;
  scenario: string;
  dialect: string;
  /** The flag's summary for a false alarm. */
  detail: string;
}

export interface Evaluation {
  runs: number;
  spans: number;
  scores: DetectorScore[];
  misses: Miss[];
  analyzeMs: number;
}

/**
 * Ingests the generated runs the way the collector does (normalizeRequest → span writer, one
 * request per run), analyses every trace, and scores each detector per run: a run counts as
 * flagged by a detector when it has at least one flag of it.
 */
/** Precision, recall and F1 from counts (1 when there is nothing to find or nothing was flagged). */
export function scoreOf(detector: DetectorId, tp: number, fp: number, fn: number): DetectorScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { detector, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

export interface AnalysedRequests {
  spans: number;
  analyzeMs: number;
  /** The stored flags of a trace, as the service lists them (FlagStore.listFlagsOfTrace); [] for a trace not ingested. */
  flagsOf(traceId: string): Flag[];
}

/**
 * Opens a fresh, empty storage backend for one evaluation; the evaluation closes it. The entry
 * point (analyzer/eval/run.ts, tests) chooses the backend, e.g. SQLite in memory.
 */
export type OpenEvalStorage = () => Promise<Storage>;

const WRITES_IN_FLIGHT = 32;

/**
 * Ingests OTLP requests the way the collector does (normalizeRequest → TraceWriter, one call per
 * request, several in flight) into a fresh storage, analyses every trace as the service's analysis loop does,
 * and hands `work` the result. The storage is closed once `work` returns.
 */
export async function analyseRequests<T>(
  openStorage: OpenEvalStorage,
  requests: Iterable<OtlpTraceRequest>,
  options: AnalyzerOptions | undefined,
  work: (result: AnalysedRequests) => T,
): Promise<T> {
  const storage = await openStorage();
  try {
    await storage.traces.whenReady();
    let spans = 0;
    const traceIds = new Set<string>();
    // Up to WRITES_IN_FLIGHT requests at once, as concurrent exporters send them (a backend that
    // commits in cycles, like ClickHouse's, takes them together); analysis starts after all.
    const inFlight = new Set<Promise<unknown>>();
    for (const request of requests) {
      const normalized = normalizeRequest(request);
      spans += normalized.length;
      for (const span of normalized) traceIds.add(span.traceId);
      const write: Promise<unknown> = storage.traces.writeSpans(normalized, Date.now()).finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const analyzer = createAnalyzer(storage, options ?? configSchema.parse({}).analyzer);
    const started = performance.now();
    await analyzer.analyzePending({ force: true });
    const analyzeMs = performance.now() - started;
    const flags = new Map<string, Flag[]>();
    for (const traceId of traceIds) flags.set(traceId, await storage.flags.listFlagsOfTrace(traceId));
    return work({ spans, analyzeMs, flagsOf: (traceId) => flags.get(traceId) ?? [] });
  } finally {
    await storage.close();
  }
}

export async function evaluate(openStorage: OpenEvalStorage, generated: readonly GeneratedRun[], options?: AnalyzerOptions): Promise<Evaluation> {
  return analyseRequests(openStorage, generated.map((item) => item.request), options, ({ spans, analyzeMs, flagsOf }) => {
    const misses: Miss[] = [];
    const counts = new Map<DetectorId, { tp: number; fp: number; fn: number }>(DETECTOR_IDS.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
    for (const { run } of generated) {
      const flags = flagsOf(run.traceId);
      for (const detector of DETECTOR_IDS) {
        const raised = flags.filter((flag) => flag.detector === detector);
        const expected = run.expected.includes(detector);
        const count = counts.get(detector)!;
        if (expected && raised.length > 0) count.tp++;
        else if (expected) {
          count.fn++;
          misses.push({ kind: 'missed', detector, traceId: run.traceId, scenario: run.scenario, dialect: run.dialect, detail: flags.map((flag) => `${flag.detector}: ${flag.summary}`).join(' | ') || '(no flags)' });
        } else if (raised.length > 0) {
          count.fp++;
          misses.push({ kind: 'false_alarm', detector, traceId: run.traceId, scenario: run.scenario, dialect: run.dialect, detail: raised[0]!.summary });
        }
      }
    }
    const scores = DETECTOR_IDS.map((detector): DetectorScore => {
      const { tp, fp, fn } = counts.get(detector)!;
      return scoreOf(detector, tp, fp, fn);
    });
    return { runs: generated.length, spans, scores, misses, analyzeMs };
  });
}
