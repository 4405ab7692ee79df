/**
 * Seeds a database with eight days of realistic agent runs (three agents, their tools and model
 * calls, and the failures tracehound flags: silent failures, tool loops, latency spikes) and
 * renders the anomaly report for the last 24 hours to docs/sample-report.{html,md}.
 *
 *   npx tsx scripts/make-sample-report.ts [--out-dir docs] [--db F]
 *
 * The data are deterministic (seeded PRNG, fixed clock), so the sample changes only when the
 * report does. Flags are stored through the analyser's flag writer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import { createSpanWriter } from '../store/span-writer.js';
import { createFlagWriter } from '../store/flag-writer.js';
import type { NormalizedSpan } from '../model/span.js';
import type { DetectorId, Severity } from '../model/api.js';
import { fnv1a64 } from '../model/hash.js';
import { makeSpan } from '../test/support/normalized-spans.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { buildReport } from '../reports/build-report.js';
import { renderHtml } from '../reports/render-html.js';
import { renderMarkdown } from '../reports/render-markdown.js';

const DAY_MS = 86_400_000;
/** The fixed "now" of the sample: the nightly run at 02:00 UTC. */
export const SAMPLE_NOW_MS = Date.UTC(2026, 10, 23, 2, 0, 0);

export interface SeedFlag {
  traceId: string;
  detector: DetectorId;
  severity: Severity;
  summary: string;
  spanIds: string[];
  evidence: Record<string, unknown>;
  signature: string;
  service: string;
  agent: string | null;
  runStartMs: number;
}

/** Stores flags through the analyser's flag writer (flags rows, run badges, analysed mark). */
export function insertSeedFlags(db: Db, flags: SeedFlag[], createdAtMs: number): void {
  const writer = createFlagWriter(db);
  const byTrace = new Map<string, SeedFlag[]>();
  for (const flag of flags) byTrace.set(flag.traceId, [...(byTrace.get(flag.traceId) ?? []), flag]);
  db.transaction(() => {
    for (const [traceId, traceFlags] of byTrace) {
      writer.replaceFlags(
        traceId,
        traceFlags.map((flag) => ({
          id: fnv1a64(`${flag.traceId}|${flag.detector}|${flag.spanIds.join(',')}`),
          traceId,
          detector: flag.detector,
          severity: flag.severity,
          summary: flag.summary,
          spanIds: flag.spanIds,
          evidence: flag.evidence,
          signature: flag.signature,
          service: flag.service,
          agent: flag.agent,
          tool: typeof flag.evidence.tool === 'string' ? flag.evidence.tool : null,
          runStartNs: BigInt(flag.runStartMs) * 1_000_000n,
        })),
        createdAtMs,
      );
    }
  })();
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface AgentProfile {
  agent: string;
  service: string;
  model: string;
  tools: { name: string; medianMs: number }[];
  runsPerDay: number;
}

const AGENTS: AgentProfile[] = [
  { agent: 'support-bot', service: 'support-api', model: 'gpt-4o', runsPerDay: 34, tools: [{ name: 'search_kb', medianMs: 180 }, { name: 'create_ticket', medianMs: 420 }, { name: 'lookup_order', medianMs: 95 }] },
  { agent: 'research-agent', service: 'research', model: 'claude-sonnet-4', runsPerDay: 18, tools: [{ name: 'web_search', medianMs: 900 }, { name: 'fetch_url', medianMs: 650 }] },
  { agent: 'code-reviewer', service: 'ci-bot', model: 'gpt-4o-mini', runsPerDay: 12, tools: [{ name: 'read_file', medianMs: 40 }, { name: 'run_shell', medianMs: 2400 }] },
];

/**
 * Writes eight days of runs ending at `nowMs` and their flags. Failures, by design:
 * - support-bot: create_ticket returns an error payload the agent ignores (silent failure, every day);
 * - code-reviewer: run_shell retried in a loop (tool loop, most days);
 * - research-agent: a web_search loop that is NEW in the last 24 h (critical), truncated answers,
 *   and fetch_url three times slower in the last 24 h (latency regression and spikes);
 * - about 3 % of runs fail loudly (root span ERROR).
 * `scale` multiplies the runs per day (benchmarks).
 */
export function seedSampleData(db: Db, nowMs: number = SAMPLE_NOW_MS, seed = 7, scale = 1): { runs: number; flags: number } {
  const random = prng(seed);
  const write = createSpanWriter(db);
  const flags: SeedFlag[] = [];
  let runs = 0;
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join('');
  const jitter = (median: number) => median * Math.exp((random() - 0.5) * 0.8);

  for (let day = 8; day >= 1; day--) {
    const dayStart = nowMs - day * DAY_MS;
    const lastDay = day === 1;
    for (const profile of AGENTS) {
      const count = Math.round(profile.runsPerDay * scale * (0.85 + random() * 0.3));
      for (let i = 0; i < count; i++) {
        const startMs = dayStart + Math.floor(random() * (DAY_MS - 120_000));
        const traceId = hex(16);
        const rootId = hex(8);
        const spans: NormalizedSpan[] = [];
        let cursor = startMs + 5;
        let tokensIn = 0;
        let tokensOut = 0;
        const llm = (outputTokens: number, finishReason = 'stop') => {
          const durationMs = jitter(1100 + outputTokens * 8);
          const inputTokens = Math.round(900 + random() * 2200);
          tokensIn += inputTokens;
          tokensOut += outputTokens;
          const span = makeSpan({
            traceId, spanId: hex(8), parentSpanId: rootId, name: `chat ${profile.model}`, kind: 'llm', startMs: cursor, durationMs,
            status: 'ok', service: profile.service, agent: profile.agent, operation: `llm:${profile.model}`,
            llm: { model: profile.model, provider: null, inputTokens, outputTokens, finishReason, outputText: 'ok', toolCallNames: [] },
            resource: { 'service.name': profile.service },
          });
          cursor += durationMs + 3;
          spans.push(span);
          return span;
        };
        const tool = (name: string, medianMs: number, result: string, status: 'ok' | 'error' | 'unset' = 'ok') => {
          const durationMs = jitter(medianMs);
          const span = makeSpan({
            traceId, spanId: hex(8), parentSpanId: rootId, name: `execute_tool ${name}`, kind: 'tool', startMs: cursor, durationMs,
            status, service: profile.service, agent: profile.agent, operation: `tool:${name}`,
            tool: { name, arguments: '{"q":"…"}', result }, resource: { 'service.name': profile.service },
          });
          cursor += durationMs + 3;
          spans.push(span);
          return span;
        };

        llm(60 + Math.round(random() * 80), 'tool_call');
        let failedLoudly = random() < 0.03;
        const roll = random();
        if (profile.agent === 'support-bot') {
          tool('search_kb', 180, '{"hits":3}');
          if (random() < 0.5) tool('lookup_order', 95, '{"status":"shipped"}');
          if (roll < (lastDay ? 0.2 : 0.08)) {
            const bad = tool('create_ticket', 420, '{"error":"permission denied: queue SUPPORT-EU"}', 'unset');
            const answer = llm(140);
            flags.push({
              traceId, detector: 'silent_failure', severity: 'warning', spanIds: [bad.spanId, answer.spanId],
              summary: 'Tool create_ticket returned "permission denied: queue SUPPORT-EU" but the run ended OK and the agent told the user the ticket was created.',
              evidence: { rule: 'silent_tool_error', tool: 'create_ticket', match: 'permission denied' },
              signature: 'silent_failure:support-bot:create_ticket:silent_tool_error', service: profile.service, agent: profile.agent, runStartMs: startMs,
            });
          } else {
            if (random() < 0.4) tool('create_ticket', 420, '{"id":"T-1042"}');
            llm(120 + Math.round(random() * 200));
          }
        } else if (profile.agent === 'research-agent') {
          const fetchMedian = lastDay ? 2100 : 650;
          tool('web_search', 900, '{"results":8}');
          const fetched = tool('fetch_url', fetchMedian, '<html>…</html>');
          if (lastDay && fetched.durationMs > 2600) {
            flags.push({
              traceId, detector: 'latency_spike', severity: 'warning', spanIds: [fetched.spanId],
              summary: `fetch_url took ${(fetched.durationMs / 1000).toFixed(1)} s; the usual time is 0.65 s (median of 200 spans), ${(fetched.durationMs / 650).toFixed(1)}× slower.`,
              evidence: { operation: 'tool:fetch_url', tool: 'fetch_url', durationMs: fetched.durationMs, baselineMedianMs: 650, score: 9.1 },
              signature: 'latency_spike:research-agent:fetch_url:p_high', service: profile.service, agent: profile.agent, runStartMs: startMs,
            });
          }
          if (lastDay && i % 4 === 1) {
            const loopStart = cursor;
            const loopSpans: string[] = [];
            const repeats = 6 + Math.floor(random() * 5);
            for (let r = 0; r < repeats; r++) {
              loopSpans.push(llm(40, 'tool_call').spanId);
              loopSpans.push(tool('web_search', 900, '{"results":0}').spanId);
            }
            flags.push({
              traceId, detector: 'tool_loop', severity: 'critical', spanIds: loopSpans,
              summary: `The agent called web_search {"q":"EU AI act article 52 summary"} ${repeats} times in a row; every call returned the same 0-result response.`,
              evidence: { rule: 'identical_calls', tool: 'web_search', repeats, inputTokens: repeats * 2700, outputTokens: repeats * 40, durationMs: cursor - loopStart },
              signature: 'tool_loop:research-agent:web_search:identical_action_observation', service: profile.service, agent: profile.agent, runStartMs: startMs,
            });
            failedLoudly = false;
          }
          if (roll > 0.9) {
            const answer = llm(4096, 'length');
            flags.push({
              traceId, detector: 'silent_failure', severity: 'critical', spanIds: [answer.spanId],
              summary: 'The final answer was cut off at the token limit (finish reason "length", 4096 output tokens) and returned as if complete.',
              evidence: { rule: 'truncated_final_answer', finishReason: 'length', outputTokens: 4096 },
              signature: 'silent_failure:research-agent::truncated_final_answer', service: profile.service, agent: profile.agent, runStartMs: startMs,
            });
          } else llm(300 + Math.round(random() * 500));
        } else {
          tool('read_file', 40, '{"bytes":5120}');
          if (i % 6 === 2 && day !== 4) {
            const loopStart = cursor;
            const loopSpans: string[] = [];
            for (let r = 0; r < 4; r++) {
              loopSpans.push(tool('run_shell', 2400, '{"exit_code":1,"stderr":"npm ERR! missing script: lint"}', 'error').spanId);
              llm(30, 'tool_call');
            }
            flags.push({
              traceId, detector: 'tool_loop', severity: 'warning', spanIds: loopSpans,
              summary: 'run_shell {"cmd":"npm run lint"} failed 4 times in a row with the same error (exit code 1).',
              evidence: { rule: 'failing_calls', tool: 'run_shell', repeats: 4, inputTokens: 4 * 1270, outputTokens: 4 * 30, durationMs: cursor - loopStart },
              signature: 'tool_loop:code-reviewer:run_shell:repeated_failing_action', service: profile.service, agent: profile.agent, runStartMs: startMs,
            });
          } else tool('run_shell', 2400, '{"exit_code":0}');
          llm(200 + Math.round(random() * 300));
        }

        const root = makeSpan({
          traceId, spanId: rootId, parentSpanId: null, name: `invoke_agent ${profile.agent}`, kind: 'agent', startMs, durationMs: cursor - startMs + 5,
          status: failedLoudly ? 'error' : 'ok', statusMessage: failedLoudly ? 'upstream 503' : '', service: profile.service, agent: profile.agent,
          operation: `agent:${profile.agent}`, resource: { 'service.name': profile.service },
        });
        void tokensIn;
        void tokensOut;
        write([root, ...spans], startMs + (cursor - startMs) + 50);
        runs++;
      }
    }
  }
  insertSeedFlags(db, flags, nowMs);
  return { runs, flags: flags.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'docs' }, db: { type: 'string', default: ':memory:' } } });
  const db = openDatabase(values.db!);
  const seeded = seedSampleData(db);
  const report = await buildReport(createSqliteStorage(db, { path: values.db! }).reportQueries, {
    id: '20261123T020000Z-sample',
    sinceMs: SAMPLE_NOW_MS - DAY_MS,
    untilMs: SAMPLE_NOW_MS,
    nowMs: SAMPLE_NOW_MS + 1500,
    publicUrl: 'http://127.0.0.1:4318',
  });
  mkdirSync(values['out-dir']!, { recursive: true });
  writeFileSync(join(values['out-dir']!, 'sample-report.html'), renderHtml(report));
  writeFileSync(join(values['out-dir']!, 'sample-report.md'), renderMarkdown(report));
  console.log(`seeded ${seeded.runs} runs and ${seeded.flags} flags; wrote sample-report.html and sample-report.md to ${values['out-dir']}`);
  db.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
