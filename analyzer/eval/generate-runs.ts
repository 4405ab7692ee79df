import type { OtlpTraceRequest } from '../../model/otlp.js';
import { createRandom, type Random } from '../../model/seeded-random.js';
import { renderRun } from './render-otlp.js';
import { DIALECTS, type AbstractRun, type Dialect, type LlmStep, type Step, type ToolStep } from './run-model.js';

/**
 * A labelled generator of realistic agent runs for the analyser's evaluation: eight agents
 * (two per dialect) with their own tools and latencies, runs spread over days, failures of
 * every kind the detectors look for, and hard negatives that look like failures but are not
 * (paging, polling, loud failures, always-slow tools, long runs, the word "error" in ordinary
 * content, recovered retries, an apology that is not a refusal). Each run is rendered as OTLP in
 * its agent's dialect, so the evaluation exercises the normaliser as ingest does.
 */

interface ToolProfile {
  name: string;
  medianMs: number;
  sigma: number;
  args(random: Random, index: number): Record<string, unknown>;
  result(random: Random, args: Record<string, unknown>): unknown;
}

interface AgentProfile {
  agent: string;
  service: string;
  dialect: Dialect;
  model: string;
  tools: ToolProfile[];
  /** A tool that pages (list with a page argument). */
  pager: ToolProfile;
  /** A tool that polls (same args, changing result). */
  poller: ToolProfile;
}

const words = ['invoice', 'refund', 'shipping', 'warranty', 'latency', 'pricing', 'onboarding', 'migration', 'billing', 'quota', 'rollback', 'backup', 'outage', 'discount', 'schedule'];
const cities = ['Lisbon', 'Osaka', 'Denver', 'Nairobi', 'Oslo', 'Lima', 'Hanoi', 'Perth', 'Quebec', 'Tunis'];

function tool(name: string, medianMs: number, args: ToolProfile['args'], result: ToolProfile['result'], sigma = 0.3): ToolProfile {
  return { name, medianMs, sigma, args, result };
}

const AGENTS: AgentProfile[] = [
  {
    agent: 'support-bot', service: 'helpdesk', dialect: 'otel-genai', model: 'gpt-4o',
    tools: [
      tool('lookup_order', 180, (r) => ({ order_id: `ORD-${r.int(10000, 99999)}` }), (r, a) => ({ order_id: a.order_id, status: r.pick(['shipped', 'delivered', 'processing']), items: r.int(1, 4) })),
      tool('search_kb', 420, (r) => ({ query: `${r.pick(words)} ${r.pick(words)} policy` }), (r) => ({ articles: [{ title: `How ${r.pick(words)} works`, score: 0.8 }] })),
      tool('issue_refund', 650, (r) => ({ order_id: `ORD-${r.int(10000, 99999)}`, amount: r.int(5, 300) }), () => ({ refunded: true })),
    ],
    pager: tool('list_tickets', 240, (_, i) => ({ page: i + 1, per_page: 20 }), (r, a) => ({ page: a.page, tickets: [`T-${r.int(100, 999)}`, `T-${r.int(100, 999)}`] })),
    poller: tool('check_refund_status', 150, () => ({ refund_id: 'RF-2231' }), () => ({ state: 'pending' })),
  },
  {
    agent: 'data-analyst', service: 'analytics', dialect: 'otel-genai', model: 'claude-sonnet-4',
    tools: [
      tool('run_sql', 6000, (r) => ({ sql: `SELECT count(*) FROM ${r.pick(['orders', 'users', 'events'])} WHERE day > '2024-0${r.int(1, 9)}-01'` }), (r) => ({ rows: [[r.int(100, 90000)]], columns: ['count'] })),
      tool('list_tables', 120, () => ({ schema: 'public' }), () => ({ tables: ['orders', 'users', 'events'] })),
      tool('plot_chart', 900, (r) => ({ kind: r.pick(['bar', 'line']), series: r.pick(words) }), (r) => ({ url: `https://charts.example.com/${r.hex(4)}.png` })),
    ],
    pager: tool('fetch_rows', 400, (_, i) => ({ table: 'events', offset: i * 500, limit: 500 }), (r, a) => ({ offset: a.offset, rows: r.int(100, 500) })),
    poller: tool('query_status', 90, () => ({ query_id: 'q-77' }), () => ({ state: 'running' })),
  },
  {
    agent: 'research-assistant', service: 'research', dialect: 'openinference', model: 'gpt-4o-mini',
    tools: [
      tool('web_search', 900, (r) => ({ query: `${r.pick(words)} trends ${r.int(2019, 2025)}` }), (r) => ({ results: [{ url: `https://news.example.com/${r.hex(3)}`, title: `${r.pick(words)} report` }] })),
      tool('fetch_page', 1300, (r) => ({ url: `https://news.example.com/${r.hex(3)}` }), (r) => `<html><body>${r.pick(words)} grew by ${r.int(2, 40)}% this year.</body></html>`),
      tool('take_note', 40, (r) => ({ text: `note on ${r.pick(words)}` }), () => ({ saved: true })),
    ],
    pager: tool('list_sources', 300, (_, i) => ({ cursor: `c${i * 25}` }), (r, a) => ({ cursor: a.cursor, sources: [r.pick(words), r.pick(words)], next: `c${r.int(1, 999)}` })),
    poller: tool('crawl_status', 200, () => ({ crawl: 'cr-9' }), () => ({ pages_done: 0 })),
  },
  {
    agent: 'devops-agent', service: 'platform-ops', dialect: 'openinference', model: 'claude-haiku-4',
    tools: [
      tool('get_logs', 700, (r) => ({ service: r.pick(['api', 'worker', 'web']), since: '15m' }), (r) => `${r.int(10, 99)} lines, last: GET /health 200 in ${r.int(2, 40)}ms`),
      tool('deploy', 9000, (r) => ({ env: r.pick(['staging', 'canary']), version: `v1.${r.int(1, 40)}.0` }), (r) => ({ deployed: true, replicas: r.int(2, 6) })),
      tool('get_metrics', 350, (r) => ({ metric: r.pick(['cpu', 'memory', 'p99_latency']) }), (r) => ({ value: r.int(1, 95), unit: '%' })),
    ],
    pager: tool('list_pods', 260, (_, i) => ({ namespace: 'prod', page: i + 1 }), (r, a) => ({ page: a.page, pods: [`api-${r.hex(2)}`, `worker-${r.hex(2)}`] })),
    poller: tool('get_rollout_status', 220, () => ({ rollout: 'ro-41' }), () => ({ phase: 'Progressing' })),
  },
  {
    agent: 'coding-agent', service: 'code-helper', dialect: 'vercel-ai', model: 'gpt-4.1',
    tools: [
      tool('read_file', 60, (r) => ({ path: `src/${r.pick(words)}.ts` }), (r) => `export function ${r.pick(words)}() { return ${r.int(1, 9)}; }`),
      tool('run_tests', 4200, (r) => ({ pattern: `${r.pick(words)}.test.ts` }), (r) => ({ passed: r.int(5, 40), failed: 0 })),
      tool('grep', 150, (r) => ({ pattern: r.pick(words) }), (r) => ({ matches: r.int(0, 12) })),
    ],
    pager: tool('list_commits', 210, (_, i) => ({ page: i + 1 }), (r, a) => ({ page: a.page, commits: [r.hex(4), r.hex(4)] })),
    poller: tool('ci_status', 180, () => ({ pipeline: 'p-1203' }), () => ({ status: 'running' })),
  },
  {
    agent: 'email-assistant', service: 'inbox', dialect: 'vercel-ai', model: 'gpt-4o',
    tools: [
      tool('read_message', 130, (r) => ({ message_id: `m-${r.int(1000, 9999)}` }), (r) => ({ from: 'ana@example.com', subject: `About ${r.pick(words)}`, body: `Hi, can we talk about ${r.pick(words)}?` })),
      tool('draft_reply', 300, (r) => ({ to: 'ana@example.com', topic: r.pick(words) }), (r) => ({ draft_id: `d-${r.int(1, 999)}` })),
      tool('search_mail', 480, (r) => ({ query: `from:${r.pick(['ana', 'bo', 'cy'])} ${r.pick(words)}` }), (r) => ({ hits: r.int(0, 9) })),
    ],
    pager: tool('list_messages', 250, (_, i) => ({ folder: 'inbox', page: i + 1 }), (r, a) => ({ page: a.page, ids: [`m-${r.int(1000, 9999)}`] })),
    poller: tool('send_status', 100, () => ({ outbox_id: 'o-5' }), () => ({ state: 'queued' })),
  },
  {
    agent: 'travel-planner', service: 'trips', dialect: 'openllmetry', model: 'gpt-4o',
    tools: [
      tool('search_flights', 1600, (r) => ({ origin: r.pick(cities), destination: r.pick(cities), date: `2025-0${r.int(1, 9)}-1${r.int(0, 9)}` }), (r) => ({ flights: [{ carrier: 'TP', price: r.int(90, 900) }] })),
      tool('get_weather', 240, (r) => ({ city: r.pick(cities) }), (r) => ({ forecast: r.pick(['sunny', 'rain', 'cloudy']), high_c: r.int(5, 35) })),
      tool('book_hotel', 1100, (r) => ({ city: r.pick(cities), nights: r.int(1, 7) }), (r) => ({ confirmation: `H${r.int(10000, 99999)}` })),
    ],
    pager: tool('list_hotels', 380, (_, i) => ({ city: 'Lisbon', page: i + 1 }), (r, a) => ({ page: a.page, hotels: [`Hotel ${r.pick(words)}`] })),
    poller: tool('booking_status', 160, () => ({ booking: 'B-88' }), () => ({ status: 'awaiting_confirmation' })),
  },
  {
    agent: 'shopping-agent', service: 'storefront', dialect: 'openllmetry', model: 'claude-sonnet-4',
    tools: [
      tool('search_products', 520, (r) => ({ q: `${r.pick(['red', 'blue', 'large'])} ${r.pick(['shoes', 'lamp', 'desk'])}` }), (r) => ({ products: [{ sku: `SKU${r.int(100, 999)}`, price: r.int(10, 200) }] })),
      tool('get_price', 110, (r) => ({ sku: `SKU${r.int(100, 999)}` }), (r) => ({ price: r.int(10, 200), currency: 'EUR' })),
      tool('add_to_cart', 200, (r) => ({ sku: `SKU${r.int(100, 999)}`, qty: r.int(1, 3) }), (r) => ({ cart_size: r.int(1, 5) })),
    ],
    pager: tool('list_reviews', 330, (_, i) => ({ sku: 'SKU123', page: i + 1 }), (r, a) => ({ page: a.page, reviews: [`${r.int(1, 5)} stars`] })),
    poller: tool('stock_check', 140, () => ({ sku: 'SKU555', warehouse: 'LIS' }), () => ({ available: 0 })),
  },
];

const ANSWERS = [
  'Your order shipped yesterday and should arrive on Thursday.',
  'Here is a summary of the three sources: demand grew steadily and prices stayed flat.',
  'I found two flights under 300 EUR; the morning one has the shorter layover.',
  'The tests pass now; I changed the date parsing in src/billing.ts.',
  'Revenue per user rose 12% month over month, driven by the annual plan.',
  'The canary is healthy: p99 latency is unchanged and error budgets are intact.',
  'I drafted a reply to Ana proposing Tuesday at 10:00.',
  'The blue lamp is in stock at 49 EUR; I added one to your cart.',
];

interface Builder {
  random: Random;
  profile: AgentProfile;
  steps: Step[];
}

function llm(b: Builder, toolCalls: { name: string; args: unknown }[], text = '', finish?: LlmStep['finishReason']): LlmStep {
  const outputTokens = toolCalls.length > 0 ? b.random.int(15, 80) : b.random.int(40, 400);
  return {
    type: 'llm',
    model: b.profile.model,
    durationMs: b.random.logNormal(350 + outputTokens * 12, 0.25),
    inputTokens: b.random.int(400, 3000),
    outputTokens,
    finishReason: finish ?? (toolCalls.length > 0 ? 'tool_call' : 'stop'),
    text,
    toolCalls,
  };
}

function toolStep(b: Builder, profile: ToolProfile, args: Record<string, unknown>, result?: unknown): ToolStep {
  return { type: 'tool', name: profile.name, args, result: result === undefined ? profile.result(b.random, args) : result, durationMs: b.random.logNormal(profile.medianMs, profile.sigma) };
}

/** One model turn that calls `step`'s tool, then the tool call. */
function turn(b: Builder, step: ToolStep): void {
  b.steps.push(llm(b, [{ name: step.name, args: step.args }]), step);
}

function normalTurns(b: Builder, count: number): void {
  for (let i = 0; i < count; i++) {
    const profile = b.random.pick(b.profile.tools);
    turn(b, toolStep(b, profile, profile.args(b.random, i)));
  }
}

function finalAnswer(b: Builder, text = b.random.pick(ANSWERS)): void {
  b.steps.push(llm(b, [], text));
}

/** Reorders keys and adds whitespace: the same arguments, written differently. */
function rewrite(random: Random, args: Record<string, unknown>): string {
  const keys = Object.keys(args);
  if (random.chance(0.5)) keys.reverse();
  const body = keys.map((key) => `${random.chance(0.5) ? ' ' : ''}"${key}":${random.chance(0.5) ? ' ' : ''}${JSON.stringify(args[key])}`).join(',');
  return `{${body}${random.chance(0.5) ? ' ' : ''}}`;
}

const ERROR_PAYLOADS: ((r: Random) => unknown)[] = [
  (r) => ({ error: { code: 'UPSTREAM_UNAVAILABLE', message: `upstream returned 503 after ${r.int(2, 30)}s` } }),
  () => ({ status: 'error', message: 'quota exceeded for this API key' }),
  () => 'Error: ECONNREFUSED 10.0.3.7:5432',
  () => ({ success: false, reason: 'record not found' }),
  () => 'Traceback (most recent call last):\n  File "tool.py", line 12, in run\nKeyError: \'customer_id\'',
  () => ({ statusCode: 500, body: 'Internal Server Error' }),
  () => ({ exit_code: 1, stderr: 'fatal: not a git repository' }),
  () => '503 Service Unavailable',
  () => ({ isError: true, content: [{ type: 'text', text: 'tool timed out' }] }),
  () => 'PermissionError: [Errno 13] Permission denied: \'/data/report.csv\'',
];

const REFUSALS = [
  "I'm sorry, but I can't help with that request.",
  'I cannot assist with that.',
  "Sorry, I can't provide that information.",
  'I apologize, but I am unable to help with this request.',
  "I'm not able to help with that, as it goes against my guidelines.",
];

const ERROR_WORD_RESULTS: ((r: Random) => unknown)[] = [
  (r) => ({ articles: [{ title: 'Handling errors in async code', score: 0.9 }, { title: `Error budgets explained (${r.int(1, 9)})`, score: 0.7 }] }),
  (r) => `The error rate dropped from ${r.int(3, 9)}% to 0.${r.int(1, 9)}% after the fix.`,
  () => ({ rows: [['error_count', 0]], columns: ['metric', 'value'], note: 'no errors in the window' }),
  () => ({ errors: [], warnings: 0, checked: 42 }),
  () => ({ error: null, data: { total: 12 } }),
];

type Scenario = (b: Builder, index: number) => { scenario: string; expected: AbstractRun['expected']; rootError?: string };

const SCENARIOS: { weight: number; warm?: boolean; make: Scenario }[] = [
  // Normal runs.
  { weight: 34, make: (b) => (normalTurns(b, b.random.int(1, 4)), finalAnswer(b), { scenario: 'normal', expected: [] }) },
  // Hard negatives.
  { weight: 4, make: (b) => { normalTurns(b, 1); const n = b.random.int(5, 9); for (let i = 0; i < n; i++) turn(b, toolStep(b, b.profile.pager, b.profile.pager.args(b.random, i))); finalAnswer(b); return { scenario: 'neg:paging', expected: [] }; } },
  { weight: 4, make: (b) => {
    const poll = b.profile.poller; const args = poll.args(b.random, 0); const n = b.random.int(4, 8);
    const varying = b.random.chance(0.5);
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const result = varying ? { progress: Math.round(((i + 1) / n) * 100), done: last } : last ? { state: 'complete', ok: true } : poll.result(b.random, args);
      turn(b, toolStep(b, poll, args, result));
    }
    finalAnswer(b); return { scenario: 'neg:polling', expected: [] };
  } },
  { weight: 4, make: (b) => { normalTurns(b, b.random.int(1, 2)); const p = b.random.pick(b.profile.tools); const s = toolStep(b, p, p.args(b.random, 0)); s.error = 'connection reset by peer'; s.exception = { type: 'ConnectionError', message: 'connection reset by peer' }; turn(b, s); return { scenario: 'neg:loud_failure', expected: [], rootError: 'ConnectionError: connection reset by peer' }; } },
  { weight: 4, make: (b) => (normalTurns(b, b.random.int(9, 16)), finalAnswer(b), { scenario: 'neg:long_run', expected: [] }) },
  { weight: 5, make: (b) => {
    normalTurns(b, 1); const p = b.random.pick(b.profile.tools); turn(b, toolStep(b, p, p.args(b.random, 1), b.random.pick(ERROR_WORD_RESULTS)(b.random)));
    finalAnswer(b, b.random.pick(['No errors were found in the last deploy.', 'The error rate is down to 0.2%, well within budget.', 'I checked the logs: the earlier error was fixed by yesterday\'s patch.']));
    return { scenario: 'neg:error_word', expected: [] };
  } },
  { weight: 4, make: (b) => {
    const p = b.random.pick(b.profile.tools); const failed = toolStep(b, p, p.args(b.random, 0)); failed.error = 'timeout after 30s'; failed.result = undefined; turn(b, failed);
    turn(b, toolStep(b, p, p.args(b.random, 1))); finalAnswer(b); return { scenario: 'neg:recovered_retry', expected: [] };
  } },
  { weight: 3, make: (b) => (normalTurns(b, 1), finalAnswer(b, `I'm sorry to hear about the delay. ${b.random.pick(ANSWERS)}`), { scenario: 'neg:apology_not_refusal', expected: [] }) },
  // tool_loop.
  { weight: 3, make: (b) => { normalTurns(b, b.random.int(0, 1)); const p = b.random.pick(b.profile.tools); const args = p.args(b.random, 0); const result = p.result(b.random, args); const n = b.random.int(4, 9); for (let i = 0; i < n; i++) turn(b, { ...toolStep(b, p, args, result), args: i === 0 ? args : rewrite(b.random, args) }); finalAnswer(b); return { scenario: 'loop:identical', expected: ['tool_loop'] }; } },
  { weight: 2, make: (b) => { const p = b.random.pick(b.profile.tools); const args = p.args(b.random, 0); const n = b.random.int(3, 6); const message = b.random.pick(['429 Too Many Requests', 'invalid argument: date', 'permission denied']); for (let i = 0; i < n; i++) { const s = toolStep(b, p, args); s.error = message; s.result = undefined; turn(b, s); } finalAnswer(b, 'I could not complete the request because the service kept rejecting it.'); return { scenario: 'loop:failing', expected: ['tool_loop'] }; } },
  { weight: 2, make: (b) => { const [a, c] = [b.profile.tools[0]!, b.profile.tools[2]!]; const aa = a.args(b.random, 0); const ca = c.args(b.random, 0); const ar = a.result(b.random, aa); const cr = c.result(b.random, ca); const cycles = b.random.int(3, 5); for (let i = 0; i < cycles; i++) { turn(b, toolStep(b, a, aa, ar)); turn(b, toolStep(b, c, ca, cr)); } finalAnswer(b); return { scenario: 'loop:cycle', expected: ['tool_loop'] }; } },
  { weight: 1, make: (b) => { const p = b.random.pick(b.profile.tools); const args = p.args(b.random, 0); const n = b.random.int(6, 10); for (let i = 0; i < n; i++) { const s = toolStep(b, p, args); s.result = undefined; turn(b, s); } finalAnswer(b); return { scenario: 'loop:no_results_recorded', expected: ['tool_loop'] }; } },
  // silent_failure.
  { weight: 4, make: (b) => { normalTurns(b, b.random.int(0, 2)); const p = b.random.pick(b.profile.tools); turn(b, toolStep(b, p, p.args(b.random, 0), b.random.pick(ERROR_PAYLOADS)(b.random))); finalAnswer(b); return { scenario: 'silent:tool_error_payload', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, 1); const p = b.random.pick(b.profile.tools); const s = toolStep(b, p, p.args(b.random, 0)); s.exception = { type: b.random.pick(['TimeoutError', 'ValueError', 'HTTPError']), message: 'request to upstream failed' }; turn(b, s); finalAnswer(b); return { scenario: 'silent:exception_event', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, 1); const p = b.random.pick(b.profile.tools); const s = toolStep(b, p, p.args(b.random, 0)); s.error = 'HTTP 502 from upstream'; s.result = undefined; turn(b, s); finalAnswer(b); return { scenario: 'silent:masked_child_error', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, b.random.int(1, 2)); b.steps.push(llm(b, [], '')); return { scenario: 'silent:empty_answer', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, b.random.int(1, 2)); b.steps.push({ ...llm(b, [], `${b.random.pick(ANSWERS)} In addition, the second option would require that you`, 'length'), outputTokens: 4096 }); return { scenario: 'silent:truncated', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, b.random.int(0, 1)); finalAnswer(b, b.random.pick(REFUSALS)); return { scenario: 'silent:refusal', expected: ['silent_failure'] }; } },
  { weight: 1.5, make: (b) => { normalTurns(b, b.random.int(1, 3)); const p = b.random.pick(b.profile.tools); turn(b, toolStep(b, p, p.args(b.random, 9))); return { scenario: 'silent:ended_on_tool_call', expected: ['silent_failure'] }; } },
  { weight: 0.7, make: (b) => { normalTurns(b, 1); b.steps.push(llm(b, [], '', 'content_filter')); return { scenario: 'silent:content_filter', expected: ['silent_failure'] }; } },
  // latency_spike (only once the agent has history).
  { weight: 5, warm: true, make: (b) => {
    normalTurns(b, b.random.int(1, 3));
    const p = b.random.pick(b.profile.tools); const s = toolStep(b, p, p.args(b.random, 5)); s.durationMs = p.medianMs * b.random.int(6, 25) + 1500; turn(b, s);
    finalAnswer(b); return { scenario: 'latency:tool_spike', expected: ['latency_spike'] };
  } },
  { weight: 2, warm: true, make: (b) => { normalTurns(b, b.random.int(1, 2)); const last = llm(b, [], b.random.pick(ANSWERS)); last.durationMs = 20_000 + b.random.int(0, 40_000); b.steps.push(last); return { scenario: 'latency:llm_spike', expected: ['latency_spike'] }; } },
];

export interface GeneratedRun {
  run: AbstractRun;
  request: OtlpTraceRequest;
}

export interface GenerateOptions {
  runs: number;
  seed?: number;
  /** Epoch ms of the first run; runs are spread over `days`. */
  startMs?: number;
  days?: number;
  /** Runs per agent before latency spikes are generated (history for baselines). */
  warmupRuns?: number;
}

/** Labelled runs, each with its OTLP request in its agent's dialect, in start order. */
export function generateRuns(options: GenerateOptions): GeneratedRun[] {
  const random = createRandom(options.seed ?? 7);
  const startMs = options.startMs ?? Date.UTC(2025, 0, 6);
  const spanMs = (options.days ?? 3) * 86_400_000;
  const warmup = options.warmupRuns ?? 15;
  const perAgent = new Map<string, number>();
  const out: GeneratedRun[] = [];
  const totalWeight = (warm: boolean) => SCENARIOS.filter((s) => warm || !s.warm).reduce((sum, s) => sum + s.weight, 0);
  for (let index = 0; index < options.runs; index++) {
    const profile = AGENTS[index % AGENTS.length]!;
    const seen = perAgent.get(profile.agent) ?? 0;
    perAgent.set(profile.agent, seen + 1);
    const warm = seen >= warmup;
    let pick = random.next() * totalWeight(warm);
    let scenario = SCENARIOS[0]!;
    for (const candidate of SCENARIOS) {
      if (candidate.warm && !warm) continue;
      pick -= candidate.weight;
      if (pick <= 0) {
        scenario = candidate;
        break;
      }
    }
    const b: Builder = { random, profile, steps: [] };
    const made = scenario.make(b, index);
    const run: AbstractRun = {
      traceId: random.hex(16),
      service: profile.service,
      agent: profile.agent,
      dialect: profile.dialect,
      startMs: startMs + Math.floor((index / options.runs) * spanMs) + random.int(0, 30_000),
      steps: b.steps,
      gapMs: random.int(3, 25),
      rootError: made.rootError,
      scenario: made.scenario,
      expected: made.expected,
    };
    out.push({ run, request: { resourceSpans: [renderRun(run, random)] } });
  }
  return out;
}

export { DIALECTS };
