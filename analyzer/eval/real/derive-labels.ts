/**
 * `node --import tsx analyzer/eval/real/derive-labels.ts [--write]`: derives our labels from the
 * sources' own labels by the rules of labels/RULES.md and prints the candidates that need a
 * person's review. With --write it rewrites labels/<corpus>.json; the reviewer's decisions are
 * in REVIEWED below and win over the rules.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fnv1a64 } from '../../../model/hash.js';
import { corporaDir } from './corpora-dir.js';
import { formatLabels, labelsFile, readLabels, type RunLabel } from './labels.js';
import { bashAction } from './read-mini-swe-agent.js';
import { readTauSources, tauRunId } from './read-tau-bench.js';
import { listWhoSources, readWhoSource, WHO_DIR } from './read-who-and-when.js';
import { readRealRuns } from './load-real-runs.js';
import { CORPORA, type CorpusName } from './real-run.js';

const dir = corporaDir();
const write = process.argv.includes('--write');

function norm(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The longest stretch of one repeated (action, outcome) pair, allowing unrelated steps in between that changed nothing. */
function repeats(pairs: string[]): number {
  const counts = new Map<string, number>();
  let best = 0;
  for (const pair of pairs) {
    const count = (counts.get(pair) ?? 0) + 1;
    counts.set(pair, count);
    best = Math.max(best, count);
  }
  return best;
}

// ---- tau-bench (airline, retail) ----
interface TauGround {
  trajectory_id: string | number;
  failures: { step_number: number; failure_category: string; step_reason: string }[];
}
function tauLabels(corpus: 'tau-airline' | 'tau-retail'): Record<string, RunLabel> {
  const ground = new Map<string, TauGround>();
  if (corpus === 'tau-retail') {
    for (const entry of JSON.parse(readFileSync(join(dir, 'agentrx/data/ground_truth/tau_ground_truth.json'), 'utf8')) as TauGround[]) ground.set(String(entry.trajectory_id), entry);
  }
  const out: Record<string, RunLabel> = {};
  for (const source of readTauSources(dir, corpus)) {
    const runId = tauRunId(corpus, source);
    const calls: { name: string; args: string; result: string; error: boolean }[] = [];
    const argsById = new Map<string, string>();
    for (const message of source.traj) {
      for (const call of message.tool_calls ?? []) argsById.set(call.id, call.function.arguments);
      if (message.role === 'tool') {
        const result = message.content ?? '';
        calls.push({ name: message.name ?? '', args: norm(argsById.get(message.tool_call_id ?? '') ?? ''), result, error: /^Error\b/.test(result) });
      }
    }
    const unrecovered = calls.filter((call, index) => call.error && !calls.slice(index + 1).some((later) => later.name === call.name && !later.error));
    const sameCall = repeats(calls.map((call) => `${call.name}\u0000${call.args}`));
    const sameFailure = repeats(calls.filter((call) => call.error).map((call) => call.name));
    const gt = ground.get(String(source.task_id));
    const categories = gt?.failures.map((failure) => failure.failure_category) ?? [];
    // "A tool or API error under a run that did not fail": a tau run never fails loudly, and its
    // reward (the task outcome) is not part of it — an error left standing is one either way.
    const silent = unrecovered.length > 0;
    const loop = sameCall >= 3 || sameFailure >= 3;
    out[runId] = {
      tool_loop: loop,
      silent_failure: silent,
      why: [
        `reward ${source.reward}`,
        unrecovered.length > 0 ? `unrecovered tool error: ${unrecovered[0]!.name} "${unrecovered[0]!.result.slice(0, 60)}"` : calls.some((call) => call.error) ? 'tool errors recovered' : 'no tool error',
        loop ? `same call ×${sameCall}, same tool failing ×${sameFailure}` : '',
        categories.length > 0 ? `AgentRx: ${[...new Set(categories)].join('; ')}` : '',
      ].filter(Boolean).join('; '),
    };
  }
  return out;
}

// ---- mini-swe-agent ----
function miniSweLabels(): Record<string, RunLabel> {
  const root = join(dir, 'mini-swe-agent');
  const out: Record<string, RunLabel> = {};
  const runs = readRealRuns('mini-swe-agent', dir);
  // Latency: a model step longer than 5× the corpus median and than 10 s.
  const durations = runs.flatMap((run) => run.steps.filter((step) => step.type === 'model').map((step) => step.endMs - step.startMs)).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)]!;
  for (const run of runs) {
    const id = run.runId.slice('mini-swe-agent/'.length);
    const report = JSON.parse(readFileSync(join(root, 'logs', id, 'report.json'), 'utf8')) as { resolved: boolean };
    const failureReport = join(root, 'failure_reports', `${id}.md`);
    const reportLabels = existsSync(failureReport) ? (/\*\*Labels:\*\*\s*(.*)/.exec(readFileSync(failureReport, 'utf8'))?.[1] ?? '').replace(/`/g, '') : '';
    const traj = JSON.parse(readFileSync(join(root, 'trajs', id, `${id}.traj.json`), 'utf8')) as { messages: { role: string; content: string }[] };
    const pairs: string[] = [];
    let formatErrors = 0;
    let maxFormatRun = 0;
    let lastTest: { command: string; failed: boolean } | null = null;
    const messages = traj.messages;
    for (let i = 0; i < messages.length; i++) {
      if (messages[i]!.role !== 'assistant') continue;
      const command = bashAction(messages[i]!.content);
      const observation = messages[i + 1]?.content ?? '';
      if (command === null) {
        formatErrors++;
        maxFormatRun = Math.max(maxFormatRun, formatErrors);
        continue;
      }
      formatErrors = 0;
      pairs.push(`${norm(command)}\u0000${norm(observation).slice(0, 4000)}`);
      if (/\b(python3?|pytest|runtests)\b/.test(command) && !/COMPLETE_TASK_AND_SUBMIT/.test(command) && !/^\s*(cat|sed|grep)\b/.test(command)) {
        const code = /<returncode>(-?\d+)<\/returncode>/.exec(observation);
        lastTest = { command, failed: (code !== null && code[1] !== '0') || /Traceback \(most recent call last\)|\bFAILED\b|^FAIL:|AssertionError/m.test(observation) };
      }
    }
    const sameRepeats = repeats(pairs);
    const slow = run.steps.filter((step) => step.type === 'model' && step.endMs - step.startMs > Math.max(5 * median, 10_000)).length;
    const silent = !report.resolved && lastTest !== null && lastTest.failed;
    const loop = sameRepeats >= 3 || maxFormatRun >= 3;
    out[run.runId] = {
      tool_loop: loop,
      silent_failure: silent,
      latency_spike: slow > 0,
      why: [
        report.resolved ? 'resolved' : `not resolved (${reportLabels})`,
        silent ? `last test run failed: ${lastTest!.command.slice(0, 60)}` : '',
        loop ? `same command+outcome ×${sameRepeats}, format errors in a row ×${maxFormatRun}` : '',
        slow > 0 ? `${slow} model steps > max(5× median ${Math.round(median / 1000)} s, 10 s)` : '',
      ].filter(Boolean).join('; '),
    };
  }
  return out;
}

// ---- Who&When (+ AgentRx labels of the same Magentic-One runs) ----
interface MagenticGround {
  trajectory_id: string;
  failures: { step_number: number; failure_category: string; step_reason: string; category_reason: string }[];
}
/** A human label that names an error the agent received: an API/content-filter error, a blocked or missing page, failing code. */
const ERROR_REASON = /\berror\b|\b40[34]\b|not found|could ?n['o]t (?:access|download|load|open|read|retrieve)|failed to (?:access|download|load|open|retrieve|read|transcribe|execute|run)|unable to (?:access|download|load|open|retrieve|read)|inaccessible|not accessible|access denied|not allowing agent access|blocked|captcha|not a (?:ro)?bot|cloudflare|paywall|did not load|policy ?violation|filtered|time ?out|traceback|with bugs|not working|resulting in (?:errors|failure)|fails? to execute|execution failed|not import/i;
const LOOP_REASON = /\bloop|repeated(?:ly)?\b|multiple times|again and again|over and over|step limits?|interaction limits?|exhaust|same (?:page|action|search|query|result)|keeps? on|stuck/i;
/** What an error looks like in a Magentic-One observation: a crash, an error page, a block page. */
const MAGENTIC_ERROR_SEEN = /Error processing publish message|Title: Error|Error 404|\b403 Forbidden|Access Denied|captcha|not a robot|Just a moment\.\.\.|Page not found|Error code: \d{3}/i;
/** AgentRx categories that are errors the run received (not reasoning mistakes); their iteration caps are not. */
const ERROR_CATEGORY = /^(?:Guardrails Triggered|System Failure)$/;

function whoLabels(): Record<string, RunLabel> {
  const ground = new Map<string, MagenticGround>();
  for (const entry of JSON.parse(readFileSync(join(dir, 'agentrx/data/ground_truth/magentic_one_ground_truth.json'), 'utf8')) as MagenticGround[]) ground.set(entry.trajectory_id, entry);
  // AgentRx names the same Magentic-One runs by another id: match them on their message lists.
  const agentRxByContent = new Map<string, string>();
  const magenticDir = join(dir, 'agentrx/data/magentic_dataset');
  for (const name of readdirSync(magenticDir).filter((file) => file.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(join(magenticDir, name), 'utf8')) as unknown;
    if (!Array.isArray(data)) continue;
    agentRxByContent.set(fnv1a64(JSON.stringify(data.map((message: { content?: string }) => message.content ?? ''))), name.replace(/\.json$/, ''));
  }
  const out: Record<string, RunLabel> = {};
  for (const { runId, file, subset } of listWhoSources(dir)) {
    const source = readWhoSource(file);
    const history = source.history;
    const reasons = [source.mistake_reason ?? ''];
    const agentRxId = agentRxByContent.get(fnv1a64(JSON.stringify(history.map((message) => message.content))));
    const gt = agentRxId === undefined ? undefined : ground.get(agentRxId);
    const errorCategory = (gt?.failures ?? []).some((failure) => ERROR_CATEGORY.test(failure.failure_category) && !/max (?:rounds|time)/i.test(failure.step_reason));
    for (const failure of gt?.failures ?? []) reasons.push(`${failure.failure_category}: ${failure.step_reason}`);
    const reasonText = reasons.join(' | ');
    let errorLabelled = errorCategory || ERROR_REASON.test(source.mistake_reason ?? '');
    let loop: boolean;
    let loopWhy: string;
    let errorSeen: boolean;
    if (subset === 'hand-crafted') {
      const inLoop = history.filter((message) => /"is_in_loop":\s*\{[^}]*"answer":\s*true/s.test(message.content)).length;
      const capped = history.some((message) => message.role === 'Orchestrator (termination condition)' && /Max rounds \(\d+\) reached/.test(message.content));
      loop = inLoop >= 2 || (capped && inLoop >= 1) || LOOP_REASON.test(reasonText);
      loopWhy = `orchestrator is_in_loop=true ×${inLoop}${capped ? ', max rounds reached' : ''}`;
      errorSeen = history.some((message) => message.role !== 'human' && MAGENTIC_ERROR_SEEN.test(message.content));
      // A model call raised (AutoGen's runtime logged the traceback) and the run still printed a
      // FINAL ANSWER without failing: an API error under a run that did not fail.
      const crashed = history.some((message) => /Error processing publish message/.test(message.content));
      const loud = history.some((message) => /SCENARIO\.PY EXITED WITH CODE: [1-9]/.test(message.content));
      if (crashed && !loud) errorLabelled = true;
      if (loud) errorLabelled = false;
    } else {
      const failures = history.filter((message) => message.name === 'Computer_terminal' && /exitcode: [1-9]/.test(message.content)).map((message) => norm(message.content).slice(0, 300));
      const sameFailure = repeats(failures);
      loop = LOOP_REASON.test(source.mistake_reason ?? '') || sameFailure >= 3;
      loopWhy = `same terminal failure ×${sameFailure}`;
      const runs = history.filter((message) => message.name === 'Computer_terminal' && /^exitcode: -?\d+/.test(message.content));
      errorSeen = failures.length > 0;
      // The team's last code run failed and nobody ran working code after it: the answer rests on a failure.
      if (runs.length > 0 && /^exitcode: [1-9]/.test(runs[runs.length - 1]!.content)) errorLabelled = true;
    }
    const silent = errorLabelled && errorSeen;
    out[runId] = {
      tool_loop: loop,
      silent_failure: silent,
      why: [`W&W: ${source.mistake_agent} step ${source.mistake_step}: ${(source.mistake_reason ?? '').slice(0, 120)}`, gt !== undefined ? `AgentRx: ${[...new Set(gt.failures.map((f) => f.failure_category))].join('; ')}` : '', loopWhy, errorSeen ? 'error visible in an observation' : ''].filter(Boolean).join('; '),
    };
  }
  return out;
}

/**
 * A person's decisions on the candidates the rules cannot settle (read in the source, run by
 * run). They win over the derived label; `why` records them as "reviewed: …".
 */
const REVIEWED: Record<string, { tool_loop?: boolean; silent_failure?: boolean; note: string }> = {
  'mini-swe-agent/astropy__astropy-13398': { tool_loop: true, note: 'reproduce_issue.py re-run at steps 18, 20, 22 with the same output while the edits changed nothing' },
  'mini-swe-agent/astropy__astropy-14182': { tool_loop: false, note: 'the same file read 3 times over 25 steps, between edits: not a loop' },
  'mini-swe-agent/django__django-10914': { tool_loop: true, note: 'the same sed edit applied 3 times (steps 9, 20, 23): edit/undo cycle' },
  'mini-swe-agent/django__django-11292': { tool_loop: false, note: 'the same script at steps 19, 23, 37, each after changes: verification, not a loop' },
  'mini-swe-agent/django__django-11299': { tool_loop: true, note: '8 format errors in a row (two bash blocks each time): the model repeats its own broken turn' },
  'mini-swe-agent/django__django-11451': { tool_loop: false, note: 'the same 6 lines viewed 3 times in 7 steps: re-reading, no waste worth a flag' },
  'mini-swe-agent/django__django-11728': { tool_loop: false, note: 'the same file read at steps 3, 14, 25: spread over the run' },
  'mini-swe-agent/django__django-11951': { tool_loop: true, note: '3 format errors in a row' },
  'mini-swe-agent/django__django-12304': { tool_loop: false, note: 'the same file read at steps 2, 9, 28: spread over the run' },
  'mini-swe-agent/django__django-13568': { tool_loop: false, note: 'the same file read 3 times, between edits' },
  'mini-swe-agent/django__django-14007': { tool_loop: true, note: 'the same modify_compiler.py script re-applied 3 times (steps 13, 20, 23): edit/undo cycle' },
  'mini-swe-agent/django__django-14034': { tool_loop: false, note: 'the reproduction re-run at steps 14, 33, 38 after changes: verification' },
};

function applyReviewed(labels: Record<string, RunLabel>): void {
  for (const [runId, review] of Object.entries(REVIEWED)) {
    const label = labels[runId];
    if (label === undefined) continue;
    labels[runId] = {
      ...label,
      tool_loop: review.tool_loop ?? label.tool_loop,
      silent_failure: review.silent_failure ?? label.silent_failure,
      why: `reviewed: ${review.note}; ${label.why}`,
    };
  }
}

void WHO_DIR;
const derive: Record<CorpusName, () => Record<string, RunLabel>> = {
  'mini-swe-agent': miniSweLabels,
  'who-and-when': whoLabels,
  'tau-airline': () => tauLabels('tau-airline'),
  'tau-retail': () => tauLabels('tau-retail'),
};
for (const corpus of CORPORA) {
  const derived = derive[corpus]();
  applyReviewed(derived);
  const kept = Object.values(derived).filter((label) => label.why.startsWith('reviewed:')).length;
  if (existsSync(labelsFile(corpus))) {
    const before = readLabels(corpus);
    const changed = Object.keys(derived).filter((runId) => JSON.stringify(before[runId]) !== JSON.stringify(derived[runId]));
    if (changed.length > 0) console.log(`  ${changed.length} labels change, e.g. ${changed.slice(0, 5).join(', ')}`);
  }
  const values = Object.values(derived);
  console.log(`${corpus}: ${values.length} runs, tool_loop ${values.filter((l) => l.tool_loop).length}, silent_failure ${values.filter((l) => l.silent_failure).length}, latency_spike ${values.filter((l) => l.latency_spike).length}, reviewed by hand ${kept}`);
  if (write) writeFileSync(labelsFile(corpus), formatLabels(derived));
}
