import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plausibleClock, type PlausibleClock } from './plausible-times.js';
import type { ModelTurn, RealRun, RealStep } from './real-run.js';

/**
 * Who&When (ag2ai/Agents_Failure_Attribution): 184 failed multi-agent runs.
 * - Hand-Crafted: Magentic-One on AutoGen. The Orchestrator's turns (thoughts, ledgers,
 *   instructions) are model calls; WebSurfer and FileSurfer messages are the result of one browser
 *   or file action each, whose first sentence names the action ("I typed 'x' into the browser
 *   search bar." → web_search {query: x}); ComputerTerminal runs the code blocks of the
 *   Assistant's last message. The termination message (stop reason and FINAL ANSWER) is the
 *   run's output.
 * - Algorithm-Generated: AG2 CaptainAgent expert teams. Each expert message is a model call;
 *   code runs inside the group chat (Computer_terminal), so its output is the observation of the
 *   step that wrote the code, never a tool call.
 */
interface WhoMessage {
  content: string;
  role: string;
  name?: string;
}

export interface WhoSource {
  question: string;
  history: WhoMessage[];
  mistake_agent?: string;
  mistake_step?: string;
  mistake_reason?: string;
}

export const WHO_DIR = 'who-and-when/Who&When';

export function listWhoSources(dir: string): { runId: string; file: string; subset: 'hand-crafted' | 'algorithm-generated' }[] {
  const out: { runId: string; file: string; subset: 'hand-crafted' | 'algorithm-generated' }[] = [];
  for (const [folder, subset] of [['Hand-Crafted', 'hand-crafted'], ['Algorithm-Generated', 'algorithm-generated']] as const) {
    const names = readdirSync(join(dir, WHO_DIR, folder))
      .filter((name) => name.endsWith('.json'))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    for (const name of names) out.push({ runId: `who-and-when/${subset}/${name.replace(/\.json$/, '')}`, file: join(dir, WHO_DIR, folder, name), subset });
  }
  return out;
}

export function readWhoSource(file: string): WhoSource {
  return JSON.parse(readFileSync(file, 'utf8')) as WhoSource;
}

export function readWhoAndWhenRuns(dir: string): RealRun[] {
  return listWhoSources(dir).map(({ runId, file, subset }, index) => {
    const source = readWhoSource(file);
    const clock = plausibleClock(runId, index);
    return subset === 'hand-crafted' ? magenticRun(runId, source, clock) : ag2Run(runId, source, clock);
  });
}

const MODEL = 'gpt-4o-2024-08-06';

function modelTurn(agent: string, text: string, clock: PlausibleClock, toolCalls: ModelTurn['toolCalls'] = []): ModelTurn {
  const [startMs, endMs] = clock.model(text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0));
  return {
    type: 'model', agent, model: MODEL, text, toolCalls, inputTokens: null, outputTokens: Math.ceil((text.length + 40 * toolCalls.length) / 4),
    finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop', observation: null, observationEndMs: null, error: null, startMs, endMs,
  };
}

/** The browser action a WebSurfer message reports, as MultimodalWebSurfer's tool and arguments. */
export function webSurferAction(content: string, instruction: string): { name: string; args: Record<string, string> } {
  const first = content.split('\n', 1)[0]!.trim();
  let match: RegExpExecArray | null;
  if ((match = /^I typed '([\s\S]*)' into the browser search bar\.?$/.exec(first))) return { name: 'web_search', args: { query: match[1]! } };
  if ((match = /^I typed '([\s\S]*)' into the browser address bar\.?$/.exec(first))) return { name: 'visit_url', args: { url: match[1]! } };
  if ((match = /^I typed '([\s\S]*)' into '([\s\S]*)'\.?$/.exec(first))) return { name: 'input_text', args: { input_field: match[2]!, text_value: match[1]! } };
  if (/^I clicked the browser back button/.test(first)) return { name: 'history_back', args: {} };
  if ((match = /^I clicked '([\s\S]*)'\.?$/.exec(first))) return { name: 'click', args: { target: match[1]! } };
  if (/^I scrolled down/.test(first)) return { name: 'page_down', args: {} };
  if (/^I scrolled up/.test(first)) return { name: 'page_up', args: {} };
  if ((match = /^I hovered over '([\s\S]*)'\.?$/.exec(first))) return { name: 'hover', args: { target: match[1]! } };
  if (/^I am waiting/.test(first)) return { name: 'sleep', args: {} };
  return { name: 'answer_question', args: { question: instruction } };
}

/**
 * AutoGen's runtime appends "Error processing publish message" and a traceback to the log when a
 * model call raises (Azure's content filter, a crashed handler); the run then stops. That call is
 * a failed model call of the agent whose turn it was: the exception's last line is its message.
 */
const RUNTIME_ERROR = /\n?Error processing publish message\n(Traceback \(most recent call last\):[\s\S]*)$/;

function runtimeError(content: string): { before: string; error: { type: string; message: string } } | null {
  const match = RUNTIME_ERROR.exec(content);
  if (match === null) return null;
  const lines = match[1]!.trim().split('\n');
  const last = [...lines].reverse().find((line) => /^[\w.]+(?:Error|Exception)\b/.test(line)) ?? lines[lines.length - 1]!;
  const colon = last.indexOf(':');
  return {
    before: content.slice(0, match.index),
    error: { type: colon > 0 ? last.slice(0, colon) : 'Exception', message: colon > 0 ? last.slice(colon + 1).trim() : last },
  };
}

/** The scenario script's own log lines around the team's messages (warnings, completion banners). */
const SCENARIO_NOISE = /^(?:\/workspace\/scenario\.py:\d+: UserWarning.*|\s+response = await client\.create\(messages\)|SCENARIO\.PY COMPLETE !#!#|RUN\.SH COMPLETE !#!#|SCENARIO\.PY EXITED WITH CODE: \d+ !#!#)$/;

/**
 * Splits the scenario's log tail off a message: the team's FINAL ANSWER line (printed when the
 * run ends, whatever message it follows) and a non-zero exit of the scenario process.
 */
function scenarioTail(content: string): { content: string; finalAnswer: string | null; exitCode: number | null } {
  const answer = /^FINAL ANSWER:.*$/m.exec(content);
  const exit = /^SCENARIO\.PY EXITED WITH CODE: (\d+)/m.exec(content);
  const kept = content
    .split('\n')
    .filter((line) => !SCENARIO_NOISE.test(line) && !/^FINAL ANSWER:/.test(line))
    .join('\n');
  return { content: kept, finalAnswer: answer === null ? null : answer[0], exitCode: exit === null ? null : Number(exit[1]) };
}

function magenticRun(runId: string, source: WhoSource, clock: PlausibleClock): RealRun {
  const steps: RealStep[] = [];
  let crash: { type: string; message: string } | null = null;
  let rootError: string | null = null;
  let instruction = '';
  let lastAssistantText = '';
  let finalAnswer: string | null = null;
  let task = source.question;
  for (const original of source.history) {
    const tail = scenarioTail(original.content);
    if (tail.exitCode !== null && tail.exitCode !== 0) rootError = `scenario exited with code ${tail.exitCode}`;
    const crashed = runtimeError(tail.content);
    const message = { ...original, content: crashed === null ? tail.content : crashed.before };
    if (tail.finalAnswer !== null) finalAnswer = original.role === 'Orchestrator (termination condition)' ? `${message.content.trim()}\n${tail.finalAnswer}`.trim() : tail.finalAnswer;
    crash ??= crashed?.error ?? null;
    const role = message.role;
    if (role === 'human') {
      task = message.content;
      continue;
    }
    if (role.startsWith('Orchestrator')) {
      const target = /^Orchestrator \(-> (\w+)\)$/.exec(role);
      if (target !== null) instruction = message.content;
      if (role === 'Orchestrator (termination condition)') {
        if (tail.finalAnswer === null) finalAnswer = message.content.trim();
        continue;
      }
      steps.push(modelTurn('Orchestrator', message.content, clock));
      continue;
    }
    if (role === 'Assistant') {
      lastAssistantText = message.content;
      steps.push(modelTurn('Assistant', message.content, clock));
      continue;
    }
    let action: { name: string; args: Record<string, string> };
    if (role === 'WebSurfer') action = webSurferAction(message.content, instruction);
    else if (role === 'FileSurfer') {
      const address = /^Address: (\S+)/.exec(message.content);
      action = address !== null ? { name: 'open_path', args: { path: address[1]! } } : { name: 'answer_question', args: { question: instruction } };
    } else if (role === 'ComputerTerminal') {
      const code = [...lastAssistantText.matchAll(/```(?:python|sh|bash)?\s*\n([\s\S]*?)```/g)].map((block) => block[1]!).join('\n');
      action = { name: 'execute_code', args: { code } };
    } else action = { name: 'answer_question', args: { question: instruction } };
    const callId = `call_${runId.length}${steps.length}`;
    const args = JSON.stringify(action.args);
    steps.push(modelTurn(role, '', clock, [{ id: callId, name: action.name, arguments: args }]));
    const [startMs, endMs] = clock.tool(true);
    steps.push({ type: 'tool', agent: role, name: action.name, arguments: args, result: message.content, callId, error: null, startMs, endMs });
  }
  if (crash !== null) {
    const failed = modelTurn('Orchestrator', '', clock);
    failed.error = crash;
    failed.finishReason = null;
    failed.outputTokens = null;
    steps.push(failed);
  }
  return { corpus: 'who-and-when', runId, framework: 'magentic-one', wire: 'otel-genai', task, steps, finalAnswer, rootError, timed: false };
}

function ag2Run(runId: string, source: WhoSource, clock: PlausibleClock): RealRun {
  const steps: RealStep[] = [];
  let last: ModelTurn | null = null;
  let finalAnswer: string | null = null;
  for (const message of source.history) {
    const agent = message.name ?? message.role;
    if (agent === 'Computer_terminal') {
      if (last === null) continue;
      last.observation = last.observation === null ? message.content : `${last.observation}\n${message.content}`;
      last.observationEndMs = clock.tool(true)[1];
      continue;
    }
    last = modelTurn(agent, message.content, clock);
    steps.push(last);
    const answer = message.content.replace(/\bTERMINATE\b/g, '').trim();
    if (answer !== '') finalAnswer = answer;
  }
  return { corpus: 'who-and-when', runId, framework: 'ag2', wire: 'smolagents-code', task: source.question, steps, finalAnswer, rootError: null, timed: false };
}
