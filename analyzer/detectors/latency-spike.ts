import type { NormalizedSpan } from '../../model/span.js';
import { nanosToIso } from '../../model/time.js';
import type { AnalysisTrace } from '../analysis-trace.js';
import { spanStartMs } from '../analysis-trace.js';
import type { LatencyBaselineEvidence, LatencySpikeEvidence } from '../../model/detectors/latency-spike.js';
import type { Detector, DetectorContext, FlagDraft, LatencyBaseline, LatencySample } from '../detector.js';

/**
 * `latency_spike`: a step or a whole run far slower than its own history (DETECTION.md B.1 L0/L1).
 * - Steps: every leaf span (model call, tool call, or any span without children) that did not
 *   fail, keyed by service + operation (NormalizedSpan.operation). Failed calls are left out of
 *   judging and of baselines: a timeout is slow by nature and is an error, not a latency spike. Container spans (agents, chains) are judged
 *   only as whole runs: they are long when they do more work.
 * - Runs: the root span, keyed by service + agent + root name; judged only when its time per
 *   span is ALSO an outlier, so a run that is long because it did more steps is not a spike.
 * A duration d is a spike when the baseline has ≥ minSamples samples from before it (by span
 * time, within `window`), the modified z-score 0.6745·(ln d − median ln)/MAD > threshold, d ≥
 * minRatio × median, d ≥ minDurationMs and d − median ≥ minExcessMs. The MAD is floored at
 * ln(1.1) so a near-constant history does not turn small wobbles into spikes, and raised to the
 * spread the p90 implies when that is larger (see spreadLn). A duration ≥ 10×
 * the median and ≥ 3× the p95 is a spike even when the score stays under the threshold (a
 * short, noisy history), and so is a clear spike: ≥ 5× the median and ≥ 10 s (CLEAR_RATIO,
 * CLEAR_MIN_MS). A model call must also be slow per output token: by the score, or for a clear
 * spike ≥ 2× its usual time per token (a long answer explains a long wait).
 */

/** MAD floor in ln units: about ±10 % typical spread. */
export const MIN_MAD_LN = Math.log(1.1);
const MAX_STEP_FLAGS = 5;
/** A duration ≥ this many times the median and ≥ GROSS_P95_FACTOR × the p95 is a spike whatever the score. */
export const GROSS_RATIO = 10;
export const GROSS_P95_FACTOR = 3;
/**
 * A step ≥ CLEAR_RATIO × its median and ≥ CLEAR_MIN_MS long is a spike whatever the score and
 * whatever it wrote: what people call a latency spike ("a step over 5× its median and over
 * 10 s"). On heavy-tailed histories (model calls that sometimes think for a minute) the score
 * alone never reaches the threshold for such a step, though a user waited that long.
 */
export const CLEAR_RATIO = 5;
export const CLEAR_MIN_MS = 10_000;
/** A clear spike of a model call must also take this many times its usual time per output token. */
export const CLEAR_PER_TOKEN_RATIO = 2;

export function stepKey(span: NormalizedSpan): string {
  return `step|${span.service}|${span.operation}`;
}

/** Per-output-token key of a model call: long answers take longer, and that is not a spike. */
export function stepPerTokenKey(span: NormalizedSpan): string | null {
  const tokens = span.llm?.outputTokens ?? null;
  return tokens === null || tokens <= 0 ? null : `steptok|${span.service}|${span.operation}`;
}

/** Milliseconds per output token (plus a fixed allowance of 20 tokens for time to first token). */
export function perTokenMs(span: NormalizedSpan): number {
  return span.durationMs / ((span.llm?.outputTokens ?? 0) + 20);
}

export function runKey(trace: AnalysisTrace): string | null {
  if (trace.root === null) return null;
  return `run|${trace.service}|${trace.agent ?? ''}|${trace.root.name}`;
}

export function runPerSpanKey(trace: AnalysisTrace): string | null {
  const key = runKey(trace);
  return key === null ? null : `runstep${key.slice(3)}`;
}

/**
 * The spans judged per step: every tool and model call, even with children (auto-instrumented
 * HTTP or database spans under a tool), and other spans without children that are not inside a
 * tool or model call (the call is judged, not its HTTP request). Agents and chains are judged
 * only as whole runs.
 */
export function isLeaf(trace: AnalysisTrace, span: NormalizedSpan): boolean {
  if (insideCall(trace, span)) return false;
  if (span.kind === 'tool' || span.kind === 'llm') return true;
  return span.kind !== 'agent' && !trace.children.has(span.spanId);
}

/**
 * The samples a trace adds to the latency baselines: every leaf step that did not fail (and its
 * time per output token, for a model call), and the run (total, and per span).
 */
export function latencySamplesOf(trace: AnalysisTrace): LatencySample[] {
  const out: LatencySample[] = [];
  for (const span of trace.spans) {
    if (span === trace.root || !isLeaf(trace, span) || span.status === 'error') continue;
    out.push({ span, key: stepKey(span), startMs: spanStartMs(span), durationMs: span.durationMs });
    const tokenKey = stepPerTokenKey(span);
    if (tokenKey !== null) out.push({ span, key: tokenKey, startMs: spanStartMs(span), durationMs: perTokenMs(span) });
  }
  const root = trace.root;
  const key = runKey(trace);
  const perSpan = runPerSpanKey(trace);
  if (root !== null && key !== null && perSpan !== null) {
    out.push({ span: root, key, startMs: spanStartMs(root), durationMs: root.durationMs });
    out.push({ span: root, key: perSpan, startMs: spanStartMs(root), durationMs: root.durationMs / Math.max(1, trace.spans.length) });
  }
  return out;
}

const spansById = new WeakMap<AnalysisTrace, Map<string, NormalizedSpan>>();

/** A descendant of a tool or model call. */
function insideCall(trace: AnalysisTrace, span: NormalizedSpan): boolean {
  let byId = spansById.get(trace);
  if (byId === undefined) spansById.set(trace, (byId = new Map(trace.spans.map((item) => [item.spanId, item]))));
  let parentId = span.parentSpanId;
  for (let depth = 0; parentId !== null && depth < 64; depth++) {
    const parent = byId.get(parentId);
    if (parent === undefined) return false;
    if (parent.kind === 'tool' || parent.kind === 'llm') return true;
    parentId = parent.parentSpanId;
  }
  return false;
}

interface Score {
  z: number;
  ratio: number;
  /** Over CLEAR_RATIO × the median and CLEAR_MIN_MS: a spike on its face, no further checks. */
  clear: boolean;
}

/**
 * The spread (MAD units, ln) a score divides by: the MAD, or the spread the p90 implies
 * (0.6745 · (ln p90 − median) / 1.2816, the same for log-normal data) when that is larger, and
 * never below MIN_MAD_LN. On short histories the MAD alone often comes out far too small (a
 * dozen samples that happen to bunch up), which made ordinary slow calls score as spikes; the
 * p90 (not the p95) keeps earlier spikes in the history (a few percent of it) from widening it.
 */
export function spreadLn(baseline: LatencyBaseline): number {
  const p90Ln = quantileLn(baseline, 0.9);
  const fromP90 = (0.6745 * (p90Ln - baseline.medianLn)) / 1.2816;
  return Math.max(baseline.madLn, fromP90, MIN_MAD_LN);
}

/** ln of the q-quantile of a baseline, found by bisection on its rank (between median and p95). */
function quantileLn(baseline: LatencyBaseline, q: number): number {
  let lo = baseline.medianLn;
  let hi = Math.max(lo, Math.log(Math.max(baseline.p95Ms, 1e-3)));
  if (baseline.rankOf(Math.exp(hi)) < q) return hi;
  for (let i = 0; i < 24 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (baseline.rankOf(Math.exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function scoreDuration(durationMs: number, baseline: LatencyBaseline, options: DetectorContext['options']['latencySpike']): Score | null {
  if (baseline.n < options.minSamples) return null;
  if (durationMs < options.minDurationMs) return null;
  if (durationMs - baseline.medianMs < options.minExcessMs) return null;
  const ratio = durationMs / Math.max(baseline.medianMs, 1e-6);
  if (ratio < options.minRatio) return null;
  const z = (0.6745 * (Math.log(Math.max(durationMs, 1e-3)) - baseline.medianLn)) / spreadLn(baseline);
  // An order of magnitude above the median and far beyond the usual worst case is a spike even
  // when a short, noisy history makes the MAD (and so the score) large.
  const gross = ratio >= GROSS_RATIO && durationMs >= GROSS_P95_FACTOR * baseline.p95Ms;
  const clear = ratio >= CLEAR_RATIO && durationMs >= CLEAR_MIN_MS;
  if (z <= options.threshold && !gross && !clear) return null;
  return { z, ratio, clear };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function formatMs(ms: number): string {
  if (ms >= 60_000) return `${round(ms / 60_000, 1)} min`;
  if (ms >= 1000) return `${round(ms / 1000, 1)} s`;
  return `${Math.round(ms)} ms`;
}

function baselineEvidence(key: string, baseline: LatencyBaseline, durationMs: number, windowMs: number): LatencyBaselineEvidence {
  return {
    key,
    samples: baseline.n,
    windowMs,
    medianMs: round(baseline.medianMs, 2),
    p95Ms: round(baseline.p95Ms, 2),
    typicalSpreadPct: round((Math.exp(Math.max(baseline.madLn, MIN_MAD_LN) / 0.6745) - 1) * 100, 0),
    percentileRank: round(baseline.rankOf(durationMs) * 100, 1),
  };
}

/** The child that took most of a span's time (critical-path hint). */
function dominantChild(trace: AnalysisTrace, span: NormalizedSpan): { name: string; spanId: string; durationMs: number } | null {
  const children = trace.children.get(span.spanId) ?? [];
  let best: NormalizedSpan | null = null;
  for (const child of children) if (best === null || child.durationMs > best.durationMs) best = child;
  return best === null ? null : { name: best.name, spanId: best.spanId, durationMs: round(best.durationMs, 2) };
}

export const latencySpikeDetector: Detector<'latency_spike'> = {
  id: 'latency_spike',
  latencySamples: latencySamplesOf,
  detect(trace: AnalysisTrace, context: DetectorContext): FlagDraft<LatencySpikeEvidence>[] {
    const options = context.options.latencySpike;
    const steps: FlagDraft<LatencySpikeEvidence>[] = [];
    for (const span of trace.spans) {
      if (!isLeaf(trace, span) || span === trace.root || span.status === 'error') continue;
      if (span.durationMs < options.minDurationMs) continue;
      const key = stepKey(span);
      const baseline = context.latencyBaseline(key, spanStartMs(span));
      if (baseline === null) continue;
      const score = scoreDuration(span.durationMs, baseline, options);
      if (score === null) continue;
      // A model call that wrote a longer answer is slower for a reason: it must also be slow per token.
      const tokenKey = stepPerTokenKey(span);
      if (tokenKey !== null) {
        const tokenBaseline = context.latencyBaseline(tokenKey, spanStartMs(span));
        if (tokenBaseline !== null && tokenBaseline.n >= options.minSamples) {
          // A clear spike only has to be clearly slower per token too (CLEAR_PER_TOKEN_RATIO):
          // the answer's length explains part of the wait, not most of it.
          const perToken = perTokenMs(span);
          const tokenScore = score.clear
            ? perToken >= CLEAR_PER_TOKEN_RATIO * tokenBaseline.medianMs
            : scoreDuration(perToken, tokenBaseline, { ...options, minDurationMs: 0, minExcessMs: 0 }) !== null;
          if (!tokenScore) continue;
        }
      }
      const what = span.tool !== null ? `Tool ${span.tool.name}` : span.llm !== null ? `Model call ${span.name}` : `Step ${span.name}`;
      steps.push({
        severity: score.ratio >= 10 ? 'critical' : 'warning',
        summary: `${what} took ${formatMs(span.durationMs)}; it usually takes ${formatMs(baseline.medianMs)} (median of ${baseline.n}), so this is ${round(score.ratio)}× slower (score ${round(score.z)}, threshold ${options.threshold}).`,
        spanIds: [span.spanId],
        evidence: {
          rule: 'step',
          span: span.name,
          operation: span.operation,
          service: span.service,
          durationMs: round(span.durationMs, 2),
          startTime: nanosToIso(span.startTimeUnixNano),
          ratio: round(score.ratio, 2),
          score: round(score.z, 2),
          threshold: options.threshold,
          baseline: baselineEvidence(key, baseline, span.durationMs, options.window),
        },
        pattern: `step:${span.operation}`,
        tool: span.tool?.name ?? null,
        key: span.spanId,
      });
    }
    steps.sort((a, b) => b.evidence.score - a.evidence.score);
    const drafts = steps.slice(0, MAX_STEP_FLAGS);

    const root = trace.root;
    const key = runKey(trace);
    const perSpanKey = runPerSpanKey(trace);
    if (options.runs && root !== null && key !== null && perSpanKey !== null && drafts.length === 0) {
      const atMs = spanStartMs(root);
      const baseline = context.latencyBaseline(key, atMs);
      const perSpanBaseline = context.latencyBaseline(perSpanKey, atMs);
      const perSpanMs = root.durationMs / Math.max(1, trace.spans.length);
      const score = baseline === null ? null : scoreDuration(root.durationMs, baseline, options);
      const perSpanScore =
        perSpanBaseline === null ? null : scoreDuration(perSpanMs, perSpanBaseline, { ...options, minDurationMs: 0, minExcessMs: 0 });
      if (baseline !== null && score !== null && perSpanScore !== null) {
        const dominant = dominantChild(trace, root);
        drafts.push({
          severity: score.ratio >= 10 ? 'critical' : 'warning',
          summary: `The run took ${formatMs(root.durationMs)}; runs of ${trace.agent ?? root.name} usually take ${formatMs(baseline.medianMs)} (median of ${baseline.n}) for as many steps, so this is ${round(score.ratio)}× slower (score ${round(score.z)}, threshold ${options.threshold}).`,
          spanIds: dominant === null ? [root.spanId] : [root.spanId, dominant.spanId],
          evidence: {
            rule: 'run',
            span: root.name,
            agent: trace.agent,
            service: trace.service,
            durationMs: round(root.durationMs, 2),
            spanCount: trace.spans.length,
            msPerSpan: round(perSpanMs, 2),
            startTime: nanosToIso(root.startTimeUnixNano),
            ratio: round(score.ratio, 2),
            score: round(score.z, 2),
            threshold: options.threshold,
            baseline: baselineEvidence(key, baseline, root.durationMs, options.window),
            perSpanBaseline: perSpanBaseline === null ? null : baselineEvidence(perSpanKey, perSpanBaseline, perSpanMs, options.window),
            dominantChild: dominant,
          },
          pattern: 'run',
          tool: null,
          key: root.spanId,
        });
      }
    }
    return drafts;
  },
};
