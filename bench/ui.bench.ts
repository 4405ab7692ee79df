/**
 * Server time of the web view's pages on a large database: the runs list (default, filtered,
 * searched, sorted) and a 2,000-span run page, plus the other pages for reference. The database
 * holds 1,000,000 spans (quick mode: 100,000) in runs of 40 spans over 7 days, one 2,000-span
 * run, and flags on one run in ten. Requests go through the Hono app in process, so the figures
 * are server time (routing, SQL, rendering), not network.
 */
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { createSpanWriter } from '../store/span-writer.js';
import { createFlagWriter, type FlagRecord } from '../store/flag-writer.js';
import type { NormalizedSpan, SpanKind } from '../model/span.js';
import { registerUiRoutes } from '../ui/ui-routes.js';

const DAY_MS = 86_400_000;
const TOOLS = ['web_search', 'fetch_page', 'read_file', 'run_tests', 'get_order', 'refund', 'search_kb', 'edit_file'];
const MODELS = ['gpt-4.1', 'claude-sonnet-4', 'gpt-4o-mini'];
const AGENTS = ['support-agent', 'research-agent', 'coding-agent', 'billing-agent', 'triage-agent'];

/** mulberry32: a small seeded PRNG, so every bench run builds the same database shape. */
let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function hex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += Math.floor(random() * 256).toString(16).padStart(2, '0');
  return out;
}

function span(traceId: string, parentSpanId: string | null, kind: SpanKind, name: string, startMs: number, durationMs: number, agent: string): NormalizedSpan {
  const start = BigInt(Math.round(startMs * 1000)) * 1000n;
  const end = start + BigInt(Math.round(durationMs * 1e6));
  const tool = kind === 'tool' ? name.replace('execute_tool ', '') : null;
  const model = kind === 'llm' ? name.replace('chat ', '') : null;
  return {
    traceId,
    spanId: hex(8),
    parentSpanId,
    name,
    kind,
    otelKind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationMs,
    status: random() < 0.02 ? 'error' : 'unset',
    statusMessage: '',
    service: 'bench-service',
    agent,
    sessionId: null,
    operation: kind === 'tool' ? `tool:${tool}` : kind === 'llm' ? `llm:${model}` : `agent:${agent}`,
    llm: model === null ? null : { model, provider: 'openai', inputTokens: 800 + Math.floor(random() * 4000), outputTokens: 50 + Math.floor(random() * 400), finishReason: 'stop', outputText: 'Here is what I found about the question you asked.', toolCallNames: [] },
    tool: tool === null ? null : { name: tool, arguments: JSON.stringify({ query: `query ${Math.floor(random() * 1000)}`, limit: 10 }), result: JSON.stringify({ results: [{ title: 'A result', url: 'https://example.com/a' }], total: 1 }) },
    attributes: {
      'gen_ai.operation.name': kind === 'tool' ? 'execute_tool' : kind === 'llm' ? 'chat' : 'invoke_agent',
      'gen_ai.agent.name': agent,
      ...(kind === 'llm' ? { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is the status of my order? '.repeat(8) }] }]) } : {}),
    },
    events: [],
    resource: { 'service.name': 'bench-service' },
    scopeName: 'bench',
  };
}

/** One run: a root agent span and `size - 1` children in steps (LLM call, then tool calls under it). */
function makeRun(startMs: number, size: number, agent: string): NormalizedSpan[] {
  const traceId = hex(16);
  const spans: NormalizedSpan[] = [];
  const root = span(traceId, null, 'agent', `invoke_agent ${agent}`, startMs, 0, agent);
  root.status = 'ok';
  spans.push(root);
  let cursor = startMs + 2;
  let stepParent = root.spanId;
  while (spans.length < size) {
    const llmMs = 300 + random() * 900;
    const llm = span(traceId, root.spanId, 'llm', `chat ${MODELS[Math.floor(random() * MODELS.length)]}`, cursor, llmMs, agent);
    spans.push(llm);
    cursor += llmMs + 1;
    stepParent = spans.length % 50 === 0 ? llm.spanId : root.spanId;
    const tools = 1 + Math.floor(random() * 3);
    for (let i = 0; i < tools && spans.length < size; i++) {
      const toolMs = 20 + random() * 400;
      spans.push(span(traceId, stepParent, 'tool', `execute_tool ${TOOLS[Math.floor(random() * TOOLS.length)]}`, cursor, toolMs, agent));
      cursor += toolMs + 1;
    }
  }
  root.endTimeUnixNano = BigInt(Math.round(cursor * 1000)) * 1000n;
  root.durationMs = cursor - startMs;
  return spans;
}

export function seedDatabase(db: Db, totalSpans: number, nowMs: number): { bigTraceId: string; bigSpanId: string } {
  const write = createSpanWriter(db);
  const flagWriter = createFlagWriter(db);
  const runSize = 40;
  const runCount = Math.floor((totalSpans - 2000) / runSize);
  let batch: NormalizedSpan[] = [];
  const flush = () => {
    write(batch, nowMs);
    batch = [];
  };
  const flags: FlagRecord[] = [];
  for (let index = 0; index < runCount; index++) {
    const agent = AGENTS[index % AGENTS.length]!;
    const run = makeRun(nowMs - 7 * DAY_MS + (index / runCount) * 7 * DAY_MS, runSize, agent);
    batch.push(...run);
    if (index % 10 === 0) {
      const detector = (['tool_loop', 'silent_failure', 'latency_spike'] as const)[index % 3]!;
      flags.push({
        id: hex(8),
        traceId: run[0]!.traceId,
        detector,
        severity: index % 20 === 0 ? 'critical' : 'warning',
        summary: `bench flag ${index}`,
        spanIds: [run[2]!.spanId],
        evidence: { rule: 'bench', durationMs: 1234 },
        signature: `${detector}|${agent}`,
        service: 'bench-service',
        agent,
        tool: run[2]!.tool?.name ?? null,
        runStartNs: run[0]!.startTimeUnixNano,
      });
    }
    if (batch.length >= 4000) flush();
  }
  const big = makeRun(nowMs - 3_600_000, 2000, 'research-agent');
  batch.push(...big);
  flush();
  flags.push({
    id: hex(8),
    traceId: big[0]!.traceId,
    detector: 'tool_loop',
    severity: 'critical',
    summary: 'web_search was called 6 times in a row with the same arguments and result.',
    spanIds: big.filter((s) => s.kind === 'tool').slice(0, 6).map((s) => s.spanId),
    evidence: { rule: 'identical_calls', repeats: 6 },
    signature: 'tool_loop|research-agent|web_search',
    service: 'bench-service',
    agent: 'research-agent',
    tool: 'web_search',
    runStartNs: big[0]!.startTimeUnixNano,
  });
  const byTrace = new Map<string, FlagRecord[]>();
  for (const flag of flags) byTrace.set(flag.traceId, [...(byTrace.get(flag.traceId) ?? []), flag]);
  db.transaction(() => {
    for (const [traceId, traceFlags] of byTrace) flagWriter.replaceFlags(traceId, traceFlags, nowMs);
  })();
  return { bigTraceId: big[0]!.traceId, bigSpanId: big[1000]!.spanId };
}

/**
 * Wall-clock and CPU milliseconds per request. CPU time is printed beside wall time because the
 * machine is shared: under contention wall time measures the neighbours, CPU time our work.
 */
async function time(app: Hono, path: string, iterations: number): Promise<{ p50: number; p95: number; cpuP50: number; bytes: number }> {
  const durations: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let i = 0; i < iterations + 2; i++) {
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    const response = await app.request(path);
    const body = await response.text();
    const elapsed = performance.now() - started;
    const usedCpu = process.cpuUsage(startedCpu);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    bytes = body.length;
    if (i >= 2) {
      // the first two warm caches and JIT
      durations.push(elapsed);
      cpu.push((usedCpu.user + usedCpu.system) / 1000);
    }
  }
  durations.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const at = (list: number[], q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))]!;
  return { p50: at(durations, 0.5), p95: at(durations, 0.95), cpuP50: at(cpu, 0.5), bytes };
}

export default async function uiBench({ quick }: { quick: boolean }): Promise<void> {
  const totalSpans = quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-ui-bench-'));
  const db = openDatabase(join(dir, 'bench.db'), { synchronous: 'normal', cacheSizeMb: 64 });
  try {
    const nowMs = Date.now();
    const seeded = performance.now();
    const { bigTraceId, bigSpanId } = seedDatabase(db, totalSpans, nowMs);
    const spanCount = (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
    const runCount = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    console.log(`database: ${spanCount.toLocaleString('en')} spans in ${runCount.toLocaleString('en')} runs (seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`);

    const app = new Hono();
    registerUiRoutes(app, createSqliteStorage(db, { path: join(dir, 'bench.db') }), { nowMs: () => nowMs });
    const iterations = quick ? 10 : 30;
    const pages: [string, string][] = [
      ['runs list (newest 50)', '/runs'],
      ['runs list, detector=tool_loop', '/runs?detector=tool_loop'],
      ['runs list, agent + since 24h', '/runs?agent=coding-agent&since=24h'],
      ['runs list, free text q', '/runs?q=billing'],
      ['runs list, sort by duration', '/runs?sort=duration&order=desc'],
      ['run page, 2,000 spans', `/runs/${bigTraceId}`],
      ['span detail fragment (2,000-span run)', `/runs/${bigTraceId}/spans/${bigSpanId}`],
      ['flags queue', '/flags'],
      ['overview (24h)', '/'],
      ['latency view (24h)', '/latency?op=tool%3Aweb_search'],
      ['runs, full text q (absent word)', '/runs?q=Lisbon'],
      ['runs, full text q (word in every answer)', '/runs?q=found'],
      ['runs, model filter', '/runs?model=gpt-4.1'],
      ['sessions list', '/sessions'],
      ['run page as flame graph, 2,000 spans', `/runs/${bigTraceId}?view=flame`],
      ['compare two runs (2,000 spans each)', `/compare?a=${bigTraceId}&b=${bigTraceId}`],
    ];
    console.log(`${'page'.padEnd(40)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'CPU p50'.padStart(8)} ${'HTML KiB'.padStart(9)}   (load average ${os.loadavg()[0]!.toFixed(1)})`);
    for (const [label, path] of pages) {
      const result = await time(app, path, iterations);
      console.log(`${label.padEnd(40)} ${result.p50.toFixed(1).padStart(8)} ${result.p95.toFixed(1).padStart(8)} ${result.cpuP50.toFixed(1).padStart(8)} ${(result.bytes / 1024).toFixed(0).padStart(9)}`);
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
