import type { Context, Hono } from 'hono';
import type { ApiSpan, Run } from '../model/api.js';
import { DETECTOR_IDS, SEVERITIES, VERDICTS, type Verdict } from '../model/api.js';
import { REVIEW_STATES, RUN_SORTS, SUPPRESSION_SCOPES, type FlagFilter, type ReviewState, type RunQueries, type RunSort, type Storage, type SuppressionScope, MAX_CONVERSATION_SPANS } from '../store/api.js';
import { suppressFlag, SuppressionError } from './suppress-flag.js';
import { registerSuppressionPages } from './suppression-pages.js';
import { readRules, readRulesOfFlags, readSilencedFlags } from './suppression-reads.js';
import { readForm, sameOrigin } from './form-posts.js';
import type { QueuePage } from './pages/flags-page.js';
import { parseTimeInput } from '../model/time.js';
import { OverviewPage, OVERVIEW_RANGES, type OverviewRange } from './pages/overview-page.js';
import { RunsPage, type RunsQuery } from './pages/runs-page.js';
import { RunPage } from './pages/run-page.js';
import { FlagsPage, type FlagsQuery } from './pages/flags-page.js';
import { LatencyPage, LATENCY_RANGES, type LatencyRange } from './pages/latency-page.js';
import { ReportsPage, type ReportLink } from './pages/reports-page.js';
import { MessagePage } from './pages/message-page.js';
import { AmbiguousPrefixPage } from './pages/ambiguous-prefix-page.js';
import { SpanDetail } from './components/span-detail.js';
import { MAX_PANEL_SPAN_LOGS, readSpanLogs } from './span-logs.js';
import { baselineBand } from './components/charts.js';
import { pickNumber, type SpikeContext } from './components/flag-evidence.js';
import { formatDuration, formatTime } from './format.js';
import { runHref } from './links.js';
import { registerStaticRoutes } from './static-routes.js';
import { createPriceList, type PriceList } from '../model/pricing/price-list.js';
import { readChatTranscript } from '../model/conversation/chat-messages.js';
import { registerSessionPages } from './session-pages.js';
import { registerComparePages } from './compare-pages.js';
import { buildCallBlocks, type CallBlock, type ModelCallInput, type ToolSpanInput } from './conversation-turns.js';

export interface UiOptions {
  /** Where a stored report's rendering is served; the reports page links there. */
  reportLink?: ReportLink;
  /** Clock, for tests and screenshots. */
  nowMs?: () => number;
  /** Model prices (the repo's table with config's entries); the repo's table alone by default. */
  prices?: PriceList;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACE_PREFIX = /^[0-9a-f]{6,31}$/;
/** Runs listed when a trace id prefix is ambiguous. */
const MAX_PREFIX_MATCHES = 20;
const MAX_NOTE_CHARS = 2000;
/** Newest calls drawn on the latency scatter (and summarised above it). */
const MAX_SCATTER_POINTS = 2000;
/** Spans per flag read in full for its evidence (a loop of 500 calls shows its first ones). */
const MAX_EVIDENCE_SPANS = 12;

/**
 * The server-rendered web view: overview (/), runs (/runs, /runs/:traceId), the flag review
 * queue (/flags), latency per operation (/latency), reports (/reports), and our static assets.
 * Every page is a GET whose state lives in the URL; the only writes are the review forms.
 */
export function registerUiRoutes(app: Hono, storage: Pick<Storage, 'runs' | 'flags' | 'suppressions' | 'reports' | 'logs'>, options: UiOptions = {}): void {
  const { runs, flags: flagStore, reports } = storage;
  const now = options.nowMs ?? Date.now;
  const prices = options.prices ?? createPriceList();
  // The reports feature serves a stored report's HTML at /reports/:id and every rendering under /api/reports/:id.
  const reportLink: ReportLink =
    options.reportLink ??
    ((id, format) => (format === 'html' ? `/reports/${encodeURIComponent(id)}` : `/api/reports/${encodeURIComponent(id)}${format === 'md' ? '?format=md' : ''}`));
  registerStaticRoutes(app);
  // The filter drop-downs' values take two scans of the runs table; a few seconds stale is fine.
  const facetsCache = cached(FACETS_TTL_MS, now, () => runs.listRunFacets());
  registerSessionPages(app, runs, { prices, nowMs: now, facets: () => facetsCache.get() });
  registerComparePages(app, runs, { prices });
  registerSuppressionPages(app, storage, { nowMs: now });

  app.get('/', async (c) => {
    const range = pickKey(c.req.query('range'), OVERVIEW_RANGES, '24h') as OverviewRange;
    const rangeMs = OVERVIEW_RANGES[range];
    const bucketMs = OVERVIEW_BUCKETS[range];
    const untilMs = Math.ceil((now() + 1) / bucketMs) * bucketMs;
    const overview = await runs.readOverview({ sinceMs: untilMs - rangeMs, untilMs, bucketMs });
    const costs = runs.readCosts ? await runs.readCosts({ sinceMs: untilMs - rangeMs, untilMs }, prices) : null;
    return c.html(<OverviewPage overview={overview} range={range} nowMs={now()} costs={costs} />);
  });

  app.get('/runs', async (c) => {
    const raw = c.req.query();
    const query: RunsQuery = {
      detector: text(raw.detector, 64),
      service: text(raw.service, 200),
      agent: text(raw.agent, 200),
      status: text(raw.status, 10),
      since: text(raw.since, 40),
      until: text(raw.until, 40),
      q: text(raw.q, 200),
      session: text(raw.session, 500),
      model: text(raw.model, 200),
      version: text(raw.version, 200),
      environment: text(raw.environment, 200),
      flagged: raw.flagged === 'true' ? 'true' : '',
      sort: text(raw.sort, 10),
      order: text(raw.order, 4),
      cursor: text(raw.cursor, 1000),
    };
    const facets = await facetsCache.get();
    const problems: string[] = [];
    const sinceMs = query.since === '' ? undefined : (parseTimeInput(query.since, now()) ?? undefined);
    if (query.since !== '' && sinceMs === undefined) problems.push(`since: "${query.since}" is not a time (try 24h or 2026-11-23T10:00:00Z)`);
    const untilMs = query.until === '' ? undefined : (parseTimeInput(query.until, now()) ?? undefined);
    if (query.until !== '' && untilMs === undefined) problems.push(`until: "${query.until}" is not a time`);
    if (query.status !== '' && !['ok', 'error', 'unset'].includes(query.status)) problems.push('status: expected ok, error or unset');
    if (query.sort !== '' && !(RUN_SORTS as readonly string[]).includes(query.sort)) problems.push(`sort: expected one of ${RUN_SORTS.join(', ')}`);
    if (query.order !== '' && query.order !== 'asc' && query.order !== 'desc') problems.push('order: expected asc or desc');
    if (problems.length > 0) {
      return c.html(<RunsPage query={query} runs={[]} nextCursor={null} facets={facets} error={problems.join('; ')} nowMs={now()} />, 400);
    }
    let page: { runs: Run[]; nextCursor: string | null };
    try {
      page = await runs.listRuns({
        detector: query.detector || undefined,
        service: query.service || undefined,
        agent: query.agent || undefined,
        status: (query.status || undefined) as Run['status'] | undefined,
        sinceMs,
        untilMs,
        q: query.q || undefined,
        session: query.session || undefined,
        model: query.model || undefined,
        version: query.version || undefined,
        environment: query.environment || undefined,
        flagged: query.flagged === 'true',
        sort: (query.sort || undefined) as RunSort | undefined,
        order: (query.order || undefined) as 'asc' | 'desc' | undefined,
        limit: 50,
        cursor: query.cursor || undefined,
      }, prices);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return c.html(
        <RunsPage query={{ ...query, cursor: '' }} runs={[]} nextCursor={null} facets={facets} error="This page link has expired (bad cursor); start from the first page." nowMs={now()} />,
        400,
      );
    }
    return c.html(<RunsPage query={query} runs={page.runs} nextCursor={page.nextCursor} facets={facets} error={null} nowMs={now()} />);
  });

  app.get('/runs/:traceId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    if (!TRACE_ID.test(traceId)) {
      // The pages show 12-hex prefixes: a unique prefix opens its run (issue 17, defect 12).
      if (!TRACE_PREFIX.test(traceId)) return notFound(c, 'A trace id is 32 hex digits (or a prefix of at least 6 of them).');
      const matches = await runs.findTraceIdsByPrefix(traceId, MAX_PREFIX_MATCHES + 1);
      if (matches.length === 0) return notFound(c, `No run has a trace id starting with ${traceId}.`);
      if (matches.length === 1) {
        const span = c.req.query('span')?.toLowerCase();
        return c.redirect(span !== undefined && SPAN_ID.test(span) ? runHref(matches[0]!, span) : runHref(matches[0]!), 302);
      }
      return c.html(<AmbiguousPrefixPage prefix={traceId} traceIds={matches.slice(0, MAX_PREFIX_MATCHES)} more={matches.length > MAX_PREFIX_MATCHES} />, 300);
    }
    const run = await runs.getRun(traceId, prices);
    if (run === null) return notFound(c, `No run with trace id ${traceId}. It may not have arrived yet, or retention removed it.`);
    const [spans, flags] = await Promise.all([runs.listWaterfallSpans(traceId), flagStore.listFlagsOfTrace(traceId)]);
    // Full spans only where they are shown: the flags' evidence (bounded) and the selected span.
    const flagSpans = new Map<string, ApiSpan>();
    for (const spanId of new Set(flags.flatMap((flag) => flag.spanIds.slice(0, MAX_EVIDENCE_SPANS)))) {
      const span = await runs.getRunSpan(traceId, spanId);
      if (span !== null) flagSpans.set(spanId, span);
    }
    const requested = c.req.query('span')?.toLowerCase();
    const selectedId =
      (requested !== undefined && SPAN_ID.test(requested) && spans.some((span) => span.spanId === requested) ? requested : undefined) ??
      flags[0]?.spanIds[0] ??
      spans.find((span) => span.parentSpanId === null)?.spanId ??
      spans[0]?.spanId;
    const selected = selectedId === undefined ? null : (flagSpans.get(selectedId) ?? (await runs.getRunSpan(traceId, selectedId)));
    const spikes = new Map<string, SpikeContext>();
    for (const flag of flags) {
      if (flag.detector !== 'latency_spike') continue;
      const span = flagSpans.get(flag.spanIds[0] ?? '');
      if (span !== undefined) spikes.set(flag.id, await spikeContext(runs, traceId, span.spanId, span.operation, Date.parse(span.startTime), flag.evidence));
    }
    const conversation = await readConversation(runs, traceId);
    const selectedLogs = selected === null ? undefined : await readSpanLogs(storage.logs, traceId, selected.spanId, MAX_PANEL_SPAN_LOGS);
    // The rule that already matches each flag (its suppress form becomes a link), and the flags rules silenced.
    const [rules, silenced] = await Promise.all([readRules(storage.suppressions), readSilencedFlags(storage.suppressions, traceId)]);
    const rulesByFlag = await readRulesOfFlags({ flags: flagStore }, rules, flags.map((flag) => flag.id));
    return c.html(
      <RunPage
        run={run}
        spans={spans}
        flagSpans={flagSpans}
        selected={selected}
        selectedLogs={selectedLogs}
        flags={flags}
        spikes={spikes}
        conversation={conversation}
        view={c.req.query('view') === 'flame' ? 'flame' : 'waterfall'}
        rulesByFlag={rulesByFlag}
        silenced={silenced === null ? null : silenced.map((flag) => ({ flag, rule: rules.get(flag.ruleId) ?? null }))}
      />,
    );
  });

  // The detail panel of one span, as an HTML fragment for app.js (the page itself renders it too).
  app.get('/runs/:traceId/spans/:spanId', async (c) => {
    const traceId = c.req.param('traceId').toLowerCase();
    const spanId = c.req.param('spanId').toLowerCase();
    if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return c.text('Not found', 404);
    const run = await runs.getRun(traceId);
    const span = run === null ? null : await runs.getRunSpan(traceId, spanId);
    if (run === null || span === null) return c.text('Not found', 404);
    const flags = (await flagStore.listFlagsOfTrace(traceId)).filter((flag) => flag.spanIds.includes(spanId));
    const logs = await readSpanLogs(storage.logs, traceId, spanId, MAX_PANEL_SPAN_LOGS);
    return c.html(<SpanDetail traceId={traceId} span={span} runStartMs={Date.parse(run.startTime)} flags={flags} logs={logs} />);
  });

  app.get('/flags', async (c) => {
    const raw = c.req.query();
    const query: FlagsQuery = {
      detector: (DETECTOR_IDS as readonly string[]).includes(raw.detector ?? '') ? raw.detector! : '',
      severity: (SEVERITIES as readonly string[]).includes(raw.severity ?? '') ? raw.severity! : '',
      review: ((REVIEW_STATES as readonly string[]).includes(raw.review ?? '') ? raw.review : 'unreviewed') as ReviewState,
      service: text(raw.service, 200),
      agent: text(raw.agent, 200),
      since: text(raw.since, 40),
      until: text(raw.until, 40),
      cursor: text(raw.cursor, 1000),
    };
    const agents = (await facetsCache.get()).agents;
    const sinceMs = query.since === '' ? undefined : (parseTimeInput(query.since, now()) ?? undefined);
    const untilMs = query.until === '' ? undefined : (parseTimeInput(query.until, now()) ?? undefined);
    const timeProblems = [
      query.since !== '' && sinceMs === undefined ? `since: "${query.since}" is not a time (try 24h or 2026-11-23T10:00:00Z)` : null,
      query.until !== '' && untilMs === undefined ? `until: "${query.until}" is not a time` : null,
    ].filter((problem): problem is string => problem !== null);
    const queueFilter = (cursor: string) => ({
      detector: query.detector || undefined,
      severity: query.severity || undefined,
      service: query.service || undefined,
      agent: query.agent || undefined,
      sinceMs,
      untilMs,
      cursor: cursor || undefined,
      review: query.review,
    });
    const notice = DONE_NOTICES[raw.done ?? ''] ?? null;
    const canSuppress = true;
    const rules = await readRules(storage.suppressions);
    if (timeProblems.length > 0) {
      const page = await readReviewQueue(flagStore, { ...queueFilter(''), sinceMs: undefined, untilMs: undefined });
      return c.html(<FlagsPage query={{ ...query, cursor: '' }} page={page} error={timeProblems.join('; ')} notice={null} nowMs={now()} canSuppress={canSuppress} agents={agents} rules={rules} />, 400);
    }
    try {
      const page = await readReviewQueue(flagStore, queueFilter(query.cursor));
      return c.html(<FlagsPage query={query} page={page} error={null} notice={notice} nowMs={now()} canSuppress={canSuppress} agents={agents} rules={rules} />);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const page = await readReviewQueue(flagStore, queueFilter(''));
      return c.html(<FlagsPage query={{ ...query, cursor: '' }} page={page} error="This page link has expired (bad cursor); showing the first page." notice={null} nowMs={now()} canSuppress={canSuppress} agents={agents} rules={rules} />, 400);
    }
  });

  app.post('/flags/:id/review', async (c) => {
    if (!sameOrigin(c)) return c.text('Cross-site form posts are refused.', 403);
    const form = await readForm(c);
    if (form === null) return c.text('Expected a form body.', 400);
    const verdict = form.get('verdict');
    if (!(VERDICTS as readonly string[]).includes(verdict ?? '')) return c.text('verdict must be confirmed or false_positive', 400);
    const note = (form.get('note') ?? '').slice(0, MAX_NOTE_CHARS);
    const id = c.req.param('id');
    if ((await flagStore.reviewFlag(id, { verdict: verdict as Verdict, note }, now())) === null) return notFound(c, `No flag with id ${id}.`);
    return c.redirect(withDone(safeReturnTo(form.get('returnTo')), verdict!, id), 303);
  });

  // Takes a verdict back (issue 17, defect 15): the flag is unreviewed again.
  app.post('/flags/:id/review/undo', async (c) => {
    if (!sameOrigin(c)) return c.text('Cross-site form posts are refused.', 403);
    const form = await readForm(c);
    if (form === null) return c.text('Expected a form body.', 400);
    const id = c.req.param('id');
    if ((await flagStore.clearReview(id)) === null) return notFound(c, `No flag with id ${id}.`);
    return c.redirect(withDone(safeReturnTo(form.get('returnTo')), 'undone', id), 303);
  });

  app.post('/flags/:id/suppress', async (c) => {
    if (!sameOrigin(c)) return c.text('Cross-site form posts are refused.', 403);
    const form = await readForm(c);
    if (form === null) return c.text('Expected a form body.', 400);
    const id = c.req.param('id');
    const scope = form.get('scope') ?? 'signature';
    if (!(SUPPRESSION_SCOPES as readonly string[]).includes(scope)) return c.text(`scope must be one of ${SUPPRESSION_SCOPES.join(', ')}`, 400);
    const reason = (form.get('reason') ?? '').slice(0, MAX_NOTE_CHARS);
    try {
      // Offered under every review state: suppressing says the flag was a false positive.
      const entry = await flagStore.getFlag(id);
      if (entry !== null && entry.flag.review?.verdict !== 'false_positive') await flagStore.reviewFlag(id, { verdict: 'false_positive', note: reason }, now());
      await suppressFlag(storage, id, scope as SuppressionScope, reason, now(), 'web view');
    } catch (error) {
      if (!(error instanceof SuppressionError)) throw error;
      return c.html(<MessagePage title="Cannot suppress" section="flags" message={error.message} />, error.status);
    }
    return c.redirect(withDone(safeReturnTo(form.get('returnTo')), 'suppressed', id), 303);
  });

  app.get('/latency', async (c) => {
    const range = pickKey(c.req.query('range'), LATENCY_RANGES, '24h') as LatencyRange;
    // An explicit window (the report links here with its own period) wins over the range.
    const sinceText = text(c.req.query('since'), 40);
    const untilText = text(c.req.query('until'), 40);
    const explicitSince = sinceText === '' ? null : parseTimeInput(sinceText, now());
    const explicitUntil = untilText === '' ? null : parseTimeInput(untilText, now());
    if ((sinceText !== '' && explicitSince === null) || (untilText !== '' && explicitUntil === null)) {
      return c.html(<MessagePage title="Latency" section="latency" message="since and until must be times (try 24h or 2026-11-23T10:00:00Z)." />, 400);
    }
    const untilMs = explicitUntil ?? now();
    const sinceMs = explicitSince ?? untilMs - LATENCY_RANGES[range];
    const operations = await runs.listOperations(sinceMs, untilMs);
    const requested = c.req.query('op');
    const operation = requested !== undefined && requested !== '' ? requested.slice(0, 300) : (operations.find((op) => op.spikes > 0) ?? operations[0])?.operation ?? null;
    const samples = operation === null ? [] : await runs.listLatencySamples(operation, sinceMs, untilMs, MAX_SCATTER_POINTS);
    const spikes = operation === null ? new Map<string, string>() : await runs.listSpikeSpanKeys(operation, sinceMs, untilMs);
    return c.html(<LatencyPage operations={operations} operation={operation} samples={samples} spikes={spikes} range={range} sinceMs={sinceMs} untilMs={untilMs} />);
  });

  app.get('/reports', async (c) => {
    const cursor = text(c.req.query('cursor'), 1000);
    try {
      const page = await reports.listReports({ limit: 50, cursor: cursor || undefined });
      return c.html(<ReportsPage reports={page.reports} nextCursor={page.nextCursor} cursor={cursor} link={reportLink} />);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return c.html(<MessagePage title="Reports" section="reports" message="This page link has expired (bad cursor)." />, 400);
    }
  });
}

const FACETS_TTL_MS = 10_000;

/** The review queue: flags with their runs (newest run first, 25 a page) and the counts per review state. */
async function readReviewQueue(flags: Storage['flags'], filter: FlagFilter & { review: ReviewState }): Promise<QueuePage> {
  const [page, counts] = await Promise.all([flags.listFlags({ ...filter, limit: 25 }), flags.countFlagsByReview(filter)]);
  return { items: page.entries, nextCursor: page.nextCursor, counts };
}

/** The notice shown after a review form redirects back with `?done=`. */
const DONE_NOTICES: Record<string, string> = {
  confirmed: 'Flag confirmed.',
  false_positive: 'Marked as a false positive.',
  suppressed: 'Suppression rule created.',
  undone: 'Review undone: the flag is back in the queue.',
};

/** `load()` at most once per `ttlMs`; the value in between. */
function cached<T>(ttlMs: number, now: () => number, load: () => T): { get(): T } {
  let value: T | undefined;
  let loadedAtMs = Number.NEGATIVE_INFINITY;
  return {
    get() {
      const at = now();
      if (value === undefined || at - loadedAtMs >= ttlMs || at < loadedAtMs) {
        value = load();
        loadedAtMs = at;
      }
      return value;
    },
  };
}

const OVERVIEW_BUCKETS: Record<OverviewRange, number> = {
  '1h': 2 * 60_000,
  '6h': 15 * 60_000,
  '24h': 3_600_000,
  '7d': 6 * 3_600_000,
  '30d': 86_400_000,
};

/**
 * The history of a spiking span's operation: the week before it, the flagged call in focus, and
 * the baseline band the detector judged against (its median and p95) when the evidence has them.
 */
async function spikeContext(runs: RunQueries, traceId: string, spanId: string, operation: string, spanStartMs: number, evidence: Record<string, unknown>): Promise<SpikeContext> {
  const sinceMs = spanStartMs - 7 * 86_400_000;
  const untilMs = spanStartMs + 60_000;
  const samples = await runs.listLatencySamples(operation, sinceMs, untilMs, 400);
  const firstMs = samples[0]?.startMs ?? sinceMs;
  const windowStart = Math.min(firstMs, spanStartMs - 60_000);
  const baseline = samples.filter((sample) => !(sample.traceId === traceId && sample.spanId === spanId));
  const medianMs = pickNumber(evidence, /^(baseline_?)?(median|p50)(_?ms)?$/i);
  const p95Ms = pickNumber(evidence, /^(baseline_?)?p9[59](_?ms)?$/i);
  const judged = medianMs !== undefined && p95Ms !== undefined;
  return {
    operation,
    sinceMs: windowStart,
    untilMs,
    judged,
    band: judged
      ? [{ startMs: windowStart, endMs: untilMs, lowMs: medianMs, medianMs, highMs: p95Ms }]
      : baselineBand(baseline, windowStart, untilMs, 12),
    points: samples.map((sample) => {
      const focus = sample.traceId === traceId && sample.spanId === spanId;
      return {
        xMs: sample.startMs,
        durationMs: sample.durationMs,
        mark: focus ? ('focus' as const) : sample.status === 'error' ? ('error' as const) : undefined,
        href: focus ? undefined : runHref(sample.traceId, sample.spanId),
        title: `${focus ? 'this call: ' : ''}${formatDuration(sample.durationMs)} at ${formatTime(sample.startMs)}`,
      };
    }),
  };
}

/** The run's model calls as chat blocks, tool results paired from the run's tool spans. */
async function readConversation(runs: RunQueries, traceId: string): Promise<{ blocks: CallBlock[]; truncated: boolean }> {
  const spans = await runs.listConversationSpans(traceId);
  const calls: ModelCallInput[] = [];
  const tools: ToolSpanInput[] = [];
  for (const span of spans) {
    if (span.kind === 'llm') {
      calls.push({
        spanId: span.spanId,
        model: span.llm?.model ?? null,
        startMs: span.startMs,
        inputTokens: span.llm?.inputTokens ?? null,
        outputTokens: span.llm?.outputTokens ?? null,
        transcript: readChatTranscript(span.attributes),
      });
    } else if (span.tool !== null) {
      tools.push({ spanId: span.spanId, name: span.tool.name, arguments: span.tool.arguments, result: span.tool.result, status: span.status, startMs: span.startMs });
    }
  }
  return { blocks: buildCallBlocks(calls, tools), truncated: spans.length >= MAX_CONVERSATION_SPANS };
}

function notFound(c: Context, message: string) {
  return c.html(<MessagePage title="Not found" section="runs" message={message} />, 404);
}

/** A query value as bounded text; '' when absent. */
function text(value: string | undefined, maxChars: number): string {
  return (value ?? '').trim().slice(0, maxChars);
}

function pickKey(value: string | undefined, table: Record<string, unknown>, fallback: string): string {
  return value !== undefined && Object.hasOwn(table, value) ? value : fallback;
}

function blankToUndefined<T extends object>(record: T): { [K in keyof T]?: string } {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(record)) out[key] = value === '' ? undefined : value;
  return out as { [K in keyof T]?: string };
}

/** Only local paths are followed after a form post (no open redirect). */
function safeReturnTo(value: string | undefined): string {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return '/flags';
  return value;
}

function withDone(path: string, done: string, flagId: string): string {
  const [pathAndQuery = '/flags', hash] = path.split('#');
  const url = new URL(pathAndQuery, 'http://local');
  url.searchParams.set('done', done);
  return `${url.pathname}${url.search}#${hash ?? `flag-${encodeURIComponent(flagId)}`}`;
}

