import type { ApiSpan, DetectorId, Flag, Run, Session, Severity, Verdict } from '../model/api.js';
import type { LlmCall, NormalizedSpan, SpanKind, SpanStatus, ToolCall } from '../model/span.js';
import type { AttributeValue, Attributes, OtlpScope, OtlpSpan } from '../model/otlp.js';
import type { GenAiContentEvent } from '../model/normalize/genai-events.js';
import { fnv1a64 } from '../model/hash.js';
import type { PriceList } from '../model/pricing/price-list.js';

/**
 * The storage seam: what the features (collector, analyzer, ui, reports, cli) need from a
 * database, said without saying how. Every backend (store/sqlite/, store/clickhouse/) implements
 * these interfaces and passes store/conformance/. Features import this file (and model/) only.
 *
 * Contracts shared by every method unless it says otherwise:
 * - Asynchronous: a promise resolves with committed data or rejects; a rejected write stored
 *   nothing of its call ("one unit"), so the caller may retry it as a whole.
 * - Times are epoch milliseconds (`…Ms`) or exact epoch nanoseconds as bigint (`…Ns`); "span
 *   time" means the span's own timestamps, never the arrival time. Windows are half-open
 *   [since, until).
 * - Paging is keyset paging: `limit` is clamped to [1, MAX_PAGE_LIMIT] (default
 *   DEFAULT_PAGE_LIMIT), `nextCursor` is opaque, null on the last page, valid only with the same
 *   filter, and stable under concurrent writes (a row is never returned twice across pages of one
 *   walk; rows written after the walk began may or may not appear). A cursor the backend did not
 *   issue rejects with InvalidCursorError (the API answers 400).
 * - Reads after a resolved write see that write ("read your writes") in the process that wrote
 *   it. A backend that is eventually consistent across processes says so on its factory.
 * - Unknown ids are not errors: single-item reads resolve null, deletes resolve false.
 * - Failures of the backend itself (unreachable, disk full, lock timeout) reject with
 *   StorageUnavailableError when they are retryable, any other Error when they are not.
 */

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Clamps a requested page size to the one limit policy of every list. */
export function pageLimit(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_PAGE_LIMIT;
  return Math.min(Math.max(Math.floor(requested), 1), MAX_PAGE_LIMIT);
}

/** A cursor this backend did not issue (or for another filter's walk): a 400, not a 500. */
export class InvalidCursorError extends RangeError {
  override readonly name = 'InvalidCursorError';
  constructor(message = 'cursor is not one this server issued') {
    super(message);
  }
}

/** The backend cannot serve now (unreachable, full, busy); retrying later may succeed. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ─── TraceWriter ──────────────────────────────────────────────────────────────────────────────

export interface WriteResult {
  /** Spans stored by this call. */
  inserted: number;
  /** Spans already stored (an exporter's retry): ignored, counted nowhere twice. */
  duplicates: number;
  /** Traces that received new spans, and so are pending analysis again. */
  traceIds: string[];
}

/**
 * Stores spans as the collector received them (normalised and redacted).
 */
export interface TraceWriter {
  /**
   * Stores one batch as one unit: every span, its resource, and the run totals it changes
   * (span/LLM/tool/error counts, tokens, start/end, root name/status) — or nothing.
   * Idempotent on (traceId, spanId): a span already stored is counted in `duplicates` and changes
   * nothing, whether it repeats within the batch or an earlier one (the first write wins).
   * Durable when the promise resolves: the process may be killed (kill -9) right after and
   * every span of a resolved call is there on restart. A run that received new spans is
   * pending analysis again. Calls may overlap; each is atomic on its own.
   */
  writeSpans(spans: readonly NormalizedSpan[], receivedAtMs: number): Promise<WriteResult>;
  /** Resolves once writes can commit (connections, threads open); rejects when they never will. */
  whenReady(): Promise<void>;
  /**
   * Advisory: true while a write is committing and may be waiting for a lock other writers in
   * this process hold; the analyser then lets it through first. Always false where writes take
   * no shared lock.
   */
  writePending(): boolean;
}

// ─── RunQueries ───────────────────────────────────────────────────────────────────────────────

export const RUN_SORTS = ['start', 'duration', 'tokens', 'spans', 'errors'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export interface RunFilter {
  /** Runs with at least one flag of this detector. */
  detector?: string;
  service?: string;
  agent?: string;
  status?: SpanStatus;
  /** Runs starting at or after this instant (epoch ms, span time). */
  sinceMs?: number;
  /** Runs starting before this instant. */
  untilMs?: number;
  /**
   * Free text: a substring (case-insensitive for ASCII) of the run's name, agent, service or
   * session id, a prefix of its trace id, or every word (full text) in its prompts, answers, tool
   * arguments and results.
   */
  q?: string;
  session?: string;
  /** Runs that called this model at least once. */
  model?: string;
  /** Resource service.version. */
  version?: string;
  /** Resource deployment.environment.name. */
  environment?: string;
  /** Only runs with at least one flag (any detector). */
  flagged?: boolean;
  /** Default 'start'. */
  sort?: RunSort;
  /** Default 'desc' (newest, slowest, … first). Ties are broken by trace id in the same direction. */
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

export interface RunPage {
  runs: Run[];
  nextCursor: string | null;
}

/** Distinct values for filter drop-downs, at most 500 each (nulls and '' left out). */
export interface RunFacets {
  /** Sorted. */
  services: string[];
  /** Sorted. */
  agents: string[];
  /** Sorted. */
  models: string[];
  /** Newest first (descending text). */
  versions: string[];
  /** Sorted. */
  environments: string[];
}

/** Money spent in a window (see RunQueries.readCosts). USD at the prices given. */
export interface CostSummary {
  /** Cost of every priced model call. */
  totalUsd: number;
  /** Model calls whose model has no price (not in totalUsd). */
  unpricedCalls: number;
  /** Most expensive first; costUsd null for a model without a price. */
  byModel: { model: string; calls: number; tokens: number; costUsd: number | null }[];
  /** Per agent (the service when a run names no agent), most expensive first; `partial` when some calls had no price. */
  byAgent: { key: string; runs: number; costUsd: number; partial: boolean }[];
  /** Per detector id: the cost of the runs it flagged (counted flags), most expensive first. */
  burnedByDetector: { key: string; runs: number; costUsd: number; partial: boolean }[];
}

export interface SessionFilter {
  service?: string;
  agent?: string;
  /** Only runs starting at or after this instant (epoch ms) are walked. */
  sinceMs?: number;
  untilMs?: number;
  limit?: number;
  cursor?: string;
}

export interface SessionPage {
  sessions: Session[];
  nextCursor: string | null;
}

/** The web view's waterfall row: what a row shows, no attributes, events or payloads. */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** Span start, epoch ms (fractional). */
  startMs: number;
  durationMs: number;
  status: SpanStatus;
  operation: string;
  /** Tool name for tool calls, else null. */
  toolName: string | null;
  /** Model for LLM calls, else null. */
  model: string | null;
  /** Input + output tokens for LLM calls when reported, else null. */
  tokens: number | null;
}

/** A model call or tool call of a run, with what the conversation view reads from it. */
export interface ConversationSpan {
  spanId: string;
  kind: 'llm' | 'tool';
  name: string;
  /** Epoch ms (double). */
  startMs: number;
  durationMs: number;
  status: string;
  llm: LlmCall | null;
  tool: ToolCall | null;
  /** Raw attributes: only for model calls (their messages); {} for tool calls. */
  attributes: Attributes;
}

/** Most calls read for one run's conversation; the rest is in the waterfall and the API. */
export const MAX_CONVERSATION_SPANS = 300;

export interface OverviewWindow {
  /** Window start, epoch ms (inclusive). */
  sinceMs: number;
  /** Window end, epoch ms (exclusive). */
  untilMs: number;
  /** Width of one chart bucket, ms; at least 1. */
  bucketMs: number;
}

export interface TimeBucket {
  /** Bucket start, epoch ms. */
  startMs: number;
  runs: number;
  errorRuns: number;
  flaggedRuns: number;
  /** Flags by detector id in this bucket. */
  flags: Partial<Record<DetectorId, number>>;
}

export interface OverviewTotals {
  runs: number;
  errorRuns: number;
  flaggedRuns: number;
  flags: number;
  unreviewedFlags: number;
  flagsByDetector: Partial<Record<DetectorId, number>>;
  llmCalls: number;
  toolCalls: number;
  tokens: number;
}

export interface AgentScore {
  agent: string;
  service: string;
  runs: number;
  flaggedRuns: number;
  errorRuns: number;
}

export interface ToolScore {
  tool: string;
  calls: number;
  errors: number;
  /** Distinct flags that point at a call of this tool. */
  flags: number;
}

export interface LatestFlag {
  id: string;
  traceId: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  runName: string | null;
  agent: string | null;
  service: string;
  /** The flagged run's start, epoch ms. */
  runStartMs: number;
  reviewVerdict: string | null;
}

export interface Overview {
  window: OverviewWindow;
  totals: OverviewTotals;
  buckets: TimeBucket[];
  worstAgents: AgentScore[];
  worstTools: ToolScore[];
  latestFlags: LatestFlag[];
}

export interface OperationSummary {
  operation: string;
  calls: number;
  /** latency_spike flags pointing at a span of this operation in the window. */
  spikes: number;
}

export interface LatencySample {
  traceId: string;
  spanId: string;
  /** Span start, epoch ms. */
  startMs: number;
  durationMs: number;
  status: string;
}

/**
 * Reads of runs and their spans for the API and the web view. Runs are one per trace, with
 * totals kept up to date by the TraceWriter; every read reflects all resolved writes.
 */
export interface RunQueries {
  /**
   * Runs matching the filter in the filter's sort order (default newest start first), ties by
   * trace id in the same direction; paged (see the paging rules above). `costUsd` is priced at
   * read time from the run's tokens per model with `prices` (default: the repo's price table).
   */
  listRuns(filter?: RunFilter, prices?: PriceList): Promise<RunPage>;
  getRun(traceId: string, prices?: PriceList): Promise<Run | null>;
  /** Runs by trace id in the order asked; unknown ids left out. */
  getRuns(traceIds: readonly string[], prices?: PriceList): Promise<Run[]>;
  /** Every span of a trace in API shape, by start time (ties: arrival order); [] when unknown. */
  listRunSpans(traceId: string): Promise<ApiSpan[]>;
  /** One span in API shape; null when unknown. */
  getRunSpan(traceId: string, spanId: string): Promise<ApiSpan | null>;
  /** Every span of a trace as waterfall rows, same order as listRunSpans. */
  listWaterfallSpans(traceId: string): Promise<WaterfallSpan[]>;
  /**
   * A run's model and tool calls in start order, at most MAX_CONVERSATION_SPANS; attributes only
   * for model calls.
   */
  listConversationSpans(traceId: string): Promise<ConversationSpan[]>;
  /** Trace ids starting with `prefix` (lowercase hex, 1–31 digits), in id order, at most `limit` (default 20); [] for anything else. */
  findTraceIdsByPrefix(prefix: string, limit?: number): Promise<string[]>;
  /** Distinct values for filter drop-downs. */
  listRunFacets(): Promise<RunFacets>;
  /**
   * Sessions (runs sharing a session id), most recently active first: by their latest run's
   * start (among the runs the filter lets through), then session id descending; paged. Totals
   * cover all of a session's runs; costUsd at `prices`, null when a model has no price.
   */
  listSessions(filter?: SessionFilter, prices?: PriceList): Promise<SessionPage>;
  /** A session and its runs in start order (its first 500); null when no run has this id. */
  getSession(sessionId: string, prices?: PriceList): Promise<{ session: Session; runs: Run[] } | null>;
  /**
   * Money spent by runs starting in [sinceMs, untilMs): by model, by agent, and burned on runs
   * each detector flagged. Optional until every backend has it: the web view leaves the cost
   * panel out when a backend does not.
   */
  readCosts?(window: { sinceMs: number; untilMs: number }, prices?: PriceList): Promise<CostSummary>;
  /**
   * The overview page: totals and per-bucket counts of runs (by run start) and flags (by their
   * run's start) in the window; the `top` worst agents (flagged + error runs) and tools (flags +
   * failed calls); the `latest` flags, newest run first, ties by flag id.
   */
  readOverview(window: OverviewWindow, options?: { top?: number; latest?: number }): Promise<Overview>;
  /**
   * Operations (baseline keys: `tool:search`, `llm:gpt-4o`, …) with spans starting in the window,
   * busiest first (ties by name), at most `limit` (default 200), with their latency_spike counts.
   */
  listOperations(sinceMs: number, untilMs: number, limit?: number): Promise<OperationSummary[]>;
  /**
   * Spans of one operation starting in the window, oldest first; when more than `limit` (default
   * 5000) the newest `limit` of them.
   */
  listLatencySamples(operation: string, sinceMs: number, untilMs: number, limit?: number): Promise<LatencySample[]>;
  /**
   * Spans of one operation starting in the window that a latency_spike flag points at: key
   * `traceId:spanId`, value the flag id.
   */
  listSpikeSpanKeys(operation: string, sinceMs: number, untilMs: number): Promise<Map<string, string>>;
}

// ─── FlagStore ────────────────────────────────────────────────────────────────────────────────

/** Review state as a filter; 'unreviewed' is the one name for "no verdict yet". */
export const REVIEW_STATES = ['unreviewed', 'confirmed', 'false_positive', 'any'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export interface FlagFilter {
  detector?: DetectorId | string;
  severity?: Severity | string;
  /** Default 'any'. */
  review?: ReviewState;
  service?: string;
  agent?: string;
  signature?: string;
  traceId?: string;
  /** Flags of runs starting at or after this instant (epoch ms; span time). */
  sinceMs?: number;
  /** Flags of runs starting before this instant. */
  untilMs?: number;
  limit?: number;
  cursor?: string;
}

/** A stored flag with the columns the API's Flag does not show. */
export interface FlagEntry {
  flag: Flag;
  service: string;
  agent: string | null;
  /** The tool the flag concerns, or null. */
  tool: string | null;
  /** Groups recurring failures: detector + agent + tool + pattern. */
  signature: string;
  /** The flagged run's start, epoch ms (span time). */
  runStartMs: number;
  /** The flagged run's name; null when the run is gone (retention). */
  runName: string | null;
}

export interface FlagPage {
  entries: FlagEntry[];
  nextCursor: string | null;
}

export type ReviewCounts = Record<Exclude<ReviewState, 'any'>, number>;

/** The one reader (and the one review writer) of flags. */
export interface FlagStore {
  /**
   * Flags matching the filter, newest run first, ties by flag id ascending; paged.
   */
  listFlags(filter?: FlagFilter): Promise<FlagPage>;
  /** Counts per review state of the flags matching the filter's other fields (review, limit and cursor ignored). */
  countFlagsByReview(filter?: FlagFilter): Promise<ReviewCounts>;
  /** Every flag of one trace, most severe first, then by detector, then id. */
  listFlagsOfTrace(traceId: string): Promise<Flag[]>;
  getFlag(id: string): Promise<FlagEntry | null>;
  /** Entries for these ids in the given order; unknown ids are left out. */
  getFlags(ids: readonly string[]): Promise<FlagEntry[]>;
  /**
   * Records a person's verdict (replacing an earlier one) at `nowMs`; null when no such flag.
   * Durable when it resolves; re-analysis keeps it (see AnalysisStore.commitAnalyses).
   */
  reviewFlag(id: string, review: { verdict: Verdict; note?: string }, nowMs?: number): Promise<Flag | null>;
  /**
   * Takes a verdict back: the flag is unreviewed again and counts again (its run's badges
   * refreshed); null when no such flag, the flag unchanged when it had no verdict. Suppression
   * rules made from it are not touched.
   */
  clearReview(id: string): Promise<Flag | null>;
}

// ─── AnalysisStore and BaselineStore ──────────────────────────────────────────────────────────

export interface PendingQuery {
  /** Complete traces: root present and nothing received after this instant (epoch ms, arrival clock). */
  idleBeforeMs: number;
  /** Rootless traces: nothing received after this instant. */
  orphanBeforeMs: number;
  /** Every pending trace, complete or not. */
  force?: boolean;
  limit: number;
  /** Keyset position: traces strictly after (startNs, traceId). */
  after?: { startNs: bigint; traceId: string };
}

export interface PendingTrace {
  traceId: string;
  /** The run's earliest span start. */
  startNs: bigint;
}

/** One latency sample as the baselines count it: key, time bucket (span time) and histogram bin. */
export interface BaselineSample {
  key: string;
  bucketMs: number;
  bin: number;
}

/** What a trace has already put into the baselines, so re-analysis never counts a span twice. */
export interface BaselineContribution {
  /** Span ids already sampled. */
  spanIds: string[];
  /** The samples they gave (excluded when the trace is judged against the baseline again). */
  samples: BaselineSample[];
}

export interface TraceForAnalysis {
  traceId: string;
  /** Every stored span, normalised as at ingest (exact bigint times), by start time. */
  spans: NormalizedSpan[];
  /** Opaque: changes whenever the trace receives spans. Hand it back to commitAnalyses. */
  version: string;
  contribution: BaselineContribution;
}

/** A flag as the analyser produces it, with the columns the API does not show. */
export interface FlagRecord {
  id: string;
  traceId: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  spanIds: string[];
  evidence: Record<string, unknown>;
  signature: string;
  service: string;
  agent: string | null;
  tool: string | null;
  /** The run's start, epoch nanoseconds. */
  runStartNs: bigint;
}

export interface TraceAnalysisResult {
  traceId: string;
  /** The version loadTraces returned. */
  version: string;
  /** Every flag the trace has now (suppressed ones left out); ids unique. */
  flags: FlagRecord[];
  /**
   * The trace's whole contribution after this analysis (earlier one plus new samples); null when
   * it did not change (nothing is written for it then).
   */
  contribution: BaselineContribution | null;
}

/** A change of one baseline bucket: counts to ADD per histogram bin. */
export interface BaselineBucketDelta {
  key: string;
  bucketStartMs: number;
  /** [bin, count] pairs, count > 0. */
  counts: [number, number][];
}

export interface AnalysisCommit {
  results: TraceAnalysisResult[];
  /** Added to the stored buckets (merged: a bucket's counts are the sum of every delta). */
  baselineDeltas: BaselineBucketDelta[];
  /** Buckets of `key` starting before `beforeMs` are deleted (they will not be read again). */
  expiredBaselines: { key: string; beforeMs: number }[];
  nowMs: number;
}

export interface CommittedAnalysis {
  traceId: string;
  /** Flags that did not exist before (in API shape, as stored): what alerting sends. */
  raised: Flag[];
  /** Flags of an earlier analysis produced again (updated in place; created time and review kept). */
  kept: number;
  /** Unreviewed flags of an earlier analysis no longer produced, deleted. */
  removed: number;
  /**
   * False when the trace received spans after loadTraces (its version moved): flags and
   * contribution were still written, but the run stays pending and is analysed again.
   */
  current: boolean;
}

/** The analyser's reads and its one write. */
export interface AnalysisStore {
  /**
   * Pending traces (received spans since their last analysis) ordered by (startNs, traceId)
   * ascending, strictly after `after`, at most `limit`: without `force`, complete ones (root
   * present, idle since idleBeforeMs) and rootless ones idle since orphanBeforeMs.
   */
  listPending(query: PendingQuery): Promise<PendingTrace[]>;
  countPending(): Promise<number>;
  /** Oldest last arrival (epoch ms) among complete traces still pending; null when none. */
  oldestPendingReceivedMs(idleBeforeMs: number): Promise<number | null>;
  /**
   * The traces with their spans, version and earlier contribution, in the order asked; an
   * unknown trace comes back with no spans.
   */
  loadTraces(traceIds: readonly string[]): Promise<TraceForAnalysis[]>;
  /**
   * Commits analyses as ONE unit (all or nothing) and durable when it resolves. Per trace: the
   * stored flags become `flags` — new ids inserted, existing ids updated in place (created time
   * and review kept), unreviewed ids no longer produced deleted, reviewed ones kept as the
   * reviewer's record —; the run's flag badges are set (from the stored flags that count: all but
   * those reviewed false_positive, store/counted-flags.ts); the
   * contribution is stored; the run is marked analysed unless its version moved. Then the
   * baseline deltas are merged and expired buckets deleted. Idempotent for the same input
   * except for the baseline deltas (which are added each time).
   */
  commitAnalyses(commit: AnalysisCommit): Promise<CommittedAnalysis[]>;
  /** Marks every analysed trace pending again (`analyze --all`); resolves how many. */
  markAllPending(): Promise<number>;
}

export interface BaselineBucket {
  key: string;
  bucketStartMs: number;
  /** Sum of counts. */
  n: number;
  /** [bin, count] pairs, bins ascending. */
  counts: [number, number][];
}

/** Latency baselines: per key and time bucket (span time), log-histograms of durations. */
export interface BaselineStore {
  /** Every stored bucket of these keys starting at or after `sinceMs`, by key then start. */
  readBuckets(keys: readonly string[], sinceMs: number): Promise<BaselineBucket[]>;
}

// ─── SuppressionStore ─────────────────────────────────────────────────────────────────────────

export const SUPPRESSION_SCOPES = ['agent', 'tool', 'signature'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

/** A rule that keeps a detector from raising flags for one agent, one tool, or one signature. */
export interface Suppression {
  id: string;
  detector: DetectorId;
  scope: SuppressionScope;
  /** The agent name, tool name or flag signature it matches. */
  value: string;
  note: string;
  fromFlagId: string | null;
  createdAt: string;
  /** Who made the rule when known (the API caller's `by`, 'web view'); null when not recorded. */
  createdBy: string | null;
}

export interface NewSuppression {
  detector: DetectorId;
  scope: SuppressionScope;
  value: string;
  note?: string;
  fromFlagId?: string | null;
  createdBy?: string | null;
}

/** A flag the analyser did not raise because a rule matched it: the trace a rule leaves on a run. */
export interface SilencedFlag {
  traceId: string;
  /** The id the flag would have had (flag ids are stable per finding). */
  flagId: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  /** The rule that matched (at the latest analysis that silenced it); it may since be deleted. */
  ruleId: string;
  /** When the analyser first silenced it, epoch ms. */
  atMs: number;
}

/** A backend that does not implement a method yet rejects with this (the API answers 501). */
export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
}

/** The stable id of a rule: the same (detector, scope, value) has the same id on every backend. */
export function suppressionId(rule: Pick<NewSuppression, 'detector' | 'scope' | 'value'>): string {
  return fnv1a64(`${rule.detector}\u0000${rule.scope}\u0000${rule.value}`);
}

export interface SuppressionStore {
  /** Every rule, newest first, ties by id. */
  listSuppressions(): Promise<Suppression[]>;
  getSuppression(id: string): Promise<Suppression | null>;
  /**
   * Creates the rule, or resolves the existing one with the same (detector, scope, value)
   * unchanged (idempotent). Its id is stable: the same rule has the same id on every backend
   * (suppressionId above).
   */
  addSuppression(rule: NewSuppression, nowMs?: number): Promise<Suppression>;
  /** False when there was no such rule. */
  deleteSuppression(id: string): Promise<boolean>;
  /** Opaque; changes whenever a rule is added or deleted (the analyser's cache key). */
  suppressionsVersion(): Promise<string>;
  /**
   * Records flags the analyser silenced (one unit; durable when it resolves). Idempotent per
   * (traceId, flagId): a flag silenced again keeps its first `atMs` and takes the new rule id.
   * Records are kept when the rule is deleted (they say what happened); they go with their run.
   */
  recordSilencedFlags(flags: readonly Omit<SilencedFlag, 'atMs'>[], nowMs: number): Promise<void>;
  /** The silenced flags of one run, newest first, ties by flag id. */
  listSilencedFlags(traceId: string): Promise<SilencedFlag[]>;
  /** Silenced flags per rule id (rules that silenced none are left out). */
  countSilencedByRule(): Promise<Record<string, number>>;
}

/**
 * The rule among `rules` that silences a flag of `detector` with this signature, agent or tool (in
 * that order, as the analyser matches them); null when none. One definition for the analyser and
 * the web view.
 */
export function matchingSuppression(
  rules: ReadonlyMap<string, Suppression>,
  flag: { detector: string; agent: string | null; tool: string | null; signature: string },
): Suppression | null {
  const candidates: [SuppressionScope, string | null][] = [
    ['signature', flag.signature],
    ['agent', flag.agent],
    ['tool', flag.tool],
  ];
  for (const [scope, value] of candidates) {
    if (value === null || value === '') continue;
    const rule = rules.get(suppressionId({ detector: flag.detector as DetectorId, scope, value }));
    if (rule !== undefined) return rule;
  }
  return null;
}

// ─── ReportStore and ReportQueries ────────────────────────────────────────────────────────────

export const REPORT_TRIGGERS = ['schedule', 'api', 'cli'] as const;
export type ReportTrigger = (typeof REPORT_TRIGGERS)[number];

export const DELIVERY_STATUSES = ['none', 'pending', 'delivered', 'failed'] as const;
/** none: no webhook configured; pending: being sent/retried; delivered; failed: gave up. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const REPORT_FORMATS = ['json', 'html', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The headline figures of a report, enough for a list row. */
export interface ReportSummary {
  runs: number;
  failedRuns: number;
  /** failedRuns / runs, 0..1; 0 when there were no runs. */
  failureRate: number;
  flags: number;
  criticalFlags: number;
  signatures: number;
  newSignatures: number;
  latencyRegressions: number;
}

export interface ReportDelivery {
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  /** ISO time delivery ended (delivered or gave up); null while pending or when none. */
  at: string | null;
}

/** One report in a list: no bodies. */
export interface ReportListItem {
  id: string;
  createdAt: string;
  since: string;
  until: string;
  trigger: ReportTrigger;
  summary: ReportSummary;
  filePath: string | null;
  delivery: ReportDelivery;
}

export interface StoredReport extends ReportListItem {
  /** The whole report as JSON (the `Report` shape of reports/build-report.ts). */
  body: unknown;
}

export interface NewReport {
  id: string;
  createdAtMs: number;
  sinceMs: number;
  untilMs: number;
  trigger: ReportTrigger;
  summary: ReportSummary;
  bodyJson: string;
  bodyHtml: string;
  bodyMd: string;
  filePath?: string | null;
  deliveryStatus?: DeliveryStatus;
}

export interface ReportPage {
  reports: ReportListItem[];
  nextCursor: string | null;
}

/** Stored anomaly reports; the store keeps the three renderings as made and never re-renders. */
export interface ReportStore {
  /** Stores a new report; rejects when the id exists. Durable when it resolves. */
  insertReport(report: NewReport): Promise<void>;
  /** Newest first (created time, ties by id descending); paged, limit at most 200. */
  listReports(options?: { limit?: number; cursor?: string }): Promise<ReportPage>;
  getReport(id: string): Promise<StoredReport | null>;
  /** One rendering exactly as stored (`json`: the JSON text); null when unknown. */
  getReportRendering(id: string, format: ReportFormat): Promise<string | null>;
  /** Records the state of a report's webhook delivery (after every attempt). */
  updateReportDelivery(id: string, delivery: { status: DeliveryStatus; attempts: number; error: string | null; atMs: number | null }): Promise<void>;
  setReportFilePath(id: string, filePath: string): Promise<void>;
}

export interface Period {
  fromMs: number;
  toMs: number;
}

export interface PeriodTotals {
  runs: number;
  /** Root span status `error`. */
  errorRuns: number;
  /** Runs with a `silent_failure` flag. */
  silentFailureRuns: number;
  /** Loud or silent failures (each run once). */
  failedRuns: number;
  /** Runs with at least one flag of any detector. */
  flaggedRuns: number;
  inputTokens: number;
  outputTokens: number;
}

export interface FlagCount {
  detector: DetectorId;
  severity: Severity;
  count: number;
}

export interface SignatureRow {
  signature: string;
  detector: DetectorId;
  agent: string | null;
  service: string;
  tool: string | null;
  /** The most severe flag of this signature in the period. */
  severity: Severity;
  /** Flags in the period. */
  count: number;
  /** Distinct runs in the period. */
  runs: number;
  /** Flags with this signature in the previous period of the same length. */
  previousCount: number;
  /** Earliest run start (ms) of any flag with this signature, over all history before the period's end. */
  firstSeenMs: number;
  /** Latest run start (ms) in the period. */
  lastSeenMs: number;
  /** The latest flag's trace, summary and evidence (JSON text), as an example. */
  exampleTraceId: string;
  exampleSummary: string;
  exampleEvidence: string;
}

export interface AgentRow {
  agent: string | null;
  service: string;
  runs: number;
  failedRuns: number;
  flags: number;
  criticalFlags: number;
  tokens: number;
}

export interface ToolRow {
  tool: string;
  calls: number;
  /** Tool spans with status `error`. */
  errors: number;
  /** Flags that point at one of this tool's spans. */
  flags: number;
}

export interface LatencyRow {
  operation: string;
  count: number;
  /** Nearest-rank percentiles of span duration, ms. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface BurnRow {
  flagId: string | null;
  traceId: string;
  agent: string | null;
  service: string;
  detector: DetectorId;
  /** The flag's evidence (JSON text), where loop tokens and time may be stated. */
  evidence: string | null;
  runTokens: number;
  runDurationMs: number;
}

export interface BucketRow {
  /** Bucket index from the start of the range. */
  bucket: number;
  runs: number;
  failedRuns: number;
  flags: number;
}

/** Runs of one release (resource service.version) of one service in a period. */
export interface VersionRateRow {
  service: string;
  version: string;
  runs: number;
  /** Loud or silent failures (each run once). */
  failedRuns: number;
  /** Runs with at least one counted flag. */
  flaggedRuns: number;
  /** Earliest run start of this version in the period, epoch ms. */
  firstStartMs: number;
}

/**
 * The aggregations behind the anomaly report, each over one period by SPAN time: runs by their
 * start, flags by their run's start, spans through their run (latency: by the span's own start).
 * A run has FAILED when its root status is `error` or it carries a `silent_failure` flag.
 */
export interface ReportQueries {
  periodTotals(period: Period): Promise<PeriodTotals>;
  /** Flags per detector and severity, by detector then severity. */
  flagCounts(period: Period): Promise<FlagCount[]>;
  /** Recurring signatures, most flags first (then severity, then signature), at most `limit` (default 50). */
  signatures(period: Period, limit?: number): Promise<SignatureRow[]>;
  /** Agents per service with failed runs or flags: most failed runs, critical flags, flags, runs first; at most `limit` (default 10). */
  worstAgents(period: Period, limit?: number): Promise<AgentRow[]>;
  /** Tools with errors or flags: most flags, errors, calls first, then name; at most `limit` (default 10). */
  worstTools(period: Period, limit?: number): Promise<ToolRow[]>;
  /** Every operation key stored, sorted. */
  listOperationKeys(): Promise<string[]>;
  /** Percentiles of one operation's spans starting in the period; null when none. */
  operationLatency(period: Period, operation: string): Promise<LatencyRow | null>;
  /** One row per tool_loop flag and one per run with a silent_failure flag. */
  burn(period: Period): Promise<BurnRow[]>;
  /** Runs, failed runs and flags per bucket of `bucketMs`, empty buckets omitted, by bucket. */
  series(period: Period, bucketMs: number): Promise<BucketRow[]>;
  /**
   * Money spent by runs starting in the period, as RunQueries.readCosts: by model, by agent, and
   * on the runs each detector flagged (counted flags), at `prices` (default: the repo's table).
   */
  costs(period: Period, prices?: PriceList): Promise<CostSummary>;
  /** Runs per service and service.version (runs without a version left out), by service then first start. */
  versionRates(period: Period): Promise<VersionRateRow[]>;
}

// ─── Maintenance ──────────────────────────────────────────────────────────────────────────────

export interface RetentionPolicy {
  /** Delete runs that started more than this many days ago (span time); 0 = keep. */
  maxAgeDays: number;
  /** Delete the oldest runs while data exceeds this many MiB; 0 = no cap. */
  maxDatabaseMb: number;
  /** Most runs per delete unit (≤ 500). */
  batchMaxRuns: number;
  /** Most spans per delete unit (a unit always takes at least one run). */
  batchMaxSpans?: number;
}

export interface RetentionPassResult {
  deletedRuns: number;
  deletedSpans: number;
  deletedByAge: number;
  deletedBySize: number;
  /** Bytes of data after the pass. */
  dataBytes: number;
  /** Bytes on disk after the pass. */
  fileBytes: number;
  /** Pages returned to the file system (0 where the backend has no such notion). */
  reclaimedPages: number;
  /** Longest single delete step, ms: the most ingest ever waited for retention. */
  longestStepMs: number;
  /**
   * Log records deleted: with their runs, and past the age limit by their own time (or, under
   * the size cap, older than every run). Absent where the backend deletes them in the background.
   */
  deletedLogRecords?: number;
}

export interface BackupResult {
  /** Pages (or parts) in the copy. */
  pages: number;
  /** Bytes of the copy. */
  bytes: number;
  /** The copy's integrity check: 'ok' (anything else rejects). */
  check: string;
}

export type Health = { ok: true } | { ok: false; error: string };

export interface Maintenance {
  /**
   * One retention pass: the age limit, then the size cap, then space reclaim. A run goes with
   * everything of its trace (spans, flags, analysis state) in one unit; deletes happen in small
   * units so ingest never waits long; baselines and reports older than the age limit go too.
   * `shouldStop` is asked between units: true ends the pass early (what it deleted stays deleted).
   */
  runRetention(policy: RetentionPolicy, options?: { nowMs?: number; shouldStop?: () => boolean; onDeleted?: (reason: 'age' | 'size', runs: number, spans: number) => void }): Promise<RetentionPassResult>;
  /**
   * A consistent copy of committed data at `outPath`, made while writes go on; `outPath` never
   * holds a half-made copy. Rejects when the backend cannot copy to a file.
   */
  backup(outPath: string): Promise<BackupResult>;
  /** Current size: data in use and on disk, bytes. */
  size(): Promise<{ dataBytes: number; fileBytes: number }>;
  /** Whether the backend can take and store spans now (answers a trivial query). Never rejects. */
  health(): Promise<Health>;
}

// ─── The bundle and its factory ───────────────────────────────────────────────────────────────

/**
 * Everything a backend offers. `close()` finishes in-flight writes, then releases connections
 * and threads; no method may be called after it.
 */
// ─── LogStore ─────────────────────────────────────────────────────────────────────────────────

/** One OTLP log record as the collector stores it (validated and redacted). */
export interface LogRecordInput {
  /** '' when the record is not tied to a trace / span. */
  traceId: string;
  spanId: string;
  /** time_unix_nano, else observed_time_unix_nano, else the arrival time. */
  timeNs: bigint;
  severityNumber: number;
  severityText: string;
  /** The record's event_name, else its `event.name` attribute; '' for plain log lines. */
  eventName: string;
  body: AttributeValue;
  attributes: Attributes;
  resource: Attributes;
  scopeName: string;
  /** A GenAI content event, to be joined into its span (model/normalize/genai-events.ts). */
  genAiContent: boolean;
}

/** A log record tied to a span, as the web view shows it. */
export interface SpanLogRecord {
  timeNs: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: AttributeValue;
  attributes: Attributes;
}

/** A stored span rebuilt as its OTLP form, for normalising it again with more content. */
export interface StoredSpanSource {
  span: OtlpSpan;
  resource: Attributes;
  scope: OtlpScope;
}

export interface SpanKey {
  traceId: string;
  spanId: string;
}

/**
 * Log records, and the join of GenAI content events into their spans whichever arrives first.
 */
export interface LogStore {
  /**
   * Stores one batch as one unit. Idempotent on the record's content (an exporter's retry
   * changes nothing). Durable when it resolves.
   */
  writeLogRecords(records: readonly LogRecordInput[], receivedAtMs: number): Promise<{ inserted: number; duplicates: number }>;
  /**
   * Of `traceIds` (all traces when omitted), the spans that have GenAI content events not yet
   * joined (stored or not: the join checks).
   */
  listUnjoinedContent(traceIds?: readonly string[]): Promise<SpanKey[]>;
  /**
   * For each key whose span is stored: reads the span and ALL its content events, replaces the
   * span's normalised fields (kind, operation, agent, session, llm, tool, attributes, run texts,
   * search words) with `renormalize(source, events)`, marks the events joined and the run
   * pending analysis again; one unit per span. Keys whose span is not stored are left for later.
   * Resolves with the number of spans updated.
   */
  joinContentEvents(
    keys: readonly SpanKey[],
    renormalize: (source: StoredSpanSource, events: GenAiContentEvent[]) => NormalizedSpan,
    receivedAtMs: number,
  ): Promise<number>;
  /**
   * The log records tied to one span OTHER than GenAI content events (those are in the span
   * itself once joined), in time order, ties in arrival order; at most `limit` of them (0 reads
   * none), and `total`: how many such records the span has in all. An unknown span has none;
   * a backend may hide the records of a trace whose run is not stored (or deleted by retention).
   */
  listSpanLogs(traceId: string, spanId: string, limit: number): Promise<{ records: SpanLogRecord[]; total: number }>;
}

// ─── LeaseStore ───────────────────────────────────────────────────────────────────────────────

/**
 * Named leases, so that one of several processes sharing a backend does a job once (the nightly
 * report of one scheduled instant). A backend used by one process at a time (a SQLite file)
 * keeps them in memory.
 */
export interface LeaseStore {
  /**
   * Claims lease `name` for `holder` until `nowMs + ttlMs`. Among holders claiming the same name
   * while no claim of it is live, exactly one is granted (resolves true); a later claim by
   * another holder is refused while the granted claim is live; the granted holder's repeated
   * claim is granted again (not extended). Once the granted claim has expired, the name may be
   * claimed afresh. Rejects (StorageUnavailableError) when the backend cannot decide: the caller
   * then does not do the job.
   */
  claimLease(name: string, holder: string, ttlMs: number, nowMs?: number): Promise<boolean>;
}

export interface Storage {
  /** 'sqlite' | 'clickhouse': for logs and /healthz. */
  readonly backend: string;
  readonly traces: TraceWriter;
  /** Log records and GenAI content joins; absent on a backend that does not store logs yet (ClickHouse, to do). */
  readonly logs?: LogStore;
  readonly runs: RunQueries;
  readonly flags: FlagStore;
  readonly analysis: AnalysisStore;
  readonly baselines: BaselineStore;
  readonly suppressions: SuppressionStore;
  readonly reports: ReportStore;
  readonly reportQueries: ReportQueries;
  readonly maintenance: Maintenance;
  readonly leases: LeaseStore;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating when needed) a backend. Options are the backend's own config
 * section; it rejects with an Error whose message names what is wrong (start-up prints it).
 */
export type StorageFactory<Options> = (options: Options) => Promise<Storage>;
