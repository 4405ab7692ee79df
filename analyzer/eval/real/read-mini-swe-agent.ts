import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fnv1a64 } from '../../../model/hash.js';
import type { RealRun, RealStep } from './real-run.js';

/**
 * mini-swe-agent 1.15 on SWE-bench Verified (Gemini 3 Pro): `trajs/<id>/<id>.traj.json`.
 * The action is the single ```bash block of each assistant message; its result is the next user
 * message (`<returncode>N</returncode>` + `<output>` or a too-long-output warning with head and
 * tail), or a format error when the reply held no single block (then nothing ran). The run ends
 * with the submit command, whose output (the diff) is the run's answer.
 *
 * Times are real: each response's `created` (Unix seconds). A model call is traced from the end
 * of the previous command to its `created`; observations carry no time, so the command span is
 * 1 ms long and the model-call span also holds the time the previous command ran (the first call
 * starts one median step before its `created`).
 */
interface SweMessage {
  role: string;
  content: string;
  extra?: { response?: { created?: number; model?: string; usage?: { prompt_tokens?: number; completion_tokens?: number }; choices?: { finish_reason?: string }[] } };
}

const BASH_BLOCK = /```bash\s*\n([\s\S]*?)\n?```/g;
const RETURN_CODE = /^<returncode>(-?\d+)<\/returncode>\s*/;

export function readMiniSweAgentRuns(dir: string): RealRun[] {
  const root = join(dir, 'mini-swe-agent', 'trajs');
  return readdirSync(root)
    .sort()
    .filter((id) => existsSync(join(root, id, `${id}.traj.json`)))
    .map((id) => miniSweRun(id, JSON.parse(readFileSync(join(root, id, `${id}.traj.json`), 'utf8')) as { messages: SweMessage[]; info: { submission?: string } }));
}

/** The command of an assistant reply: its only ```bash block, or null when it held 0 or several. */
export function bashAction(text: string): string | null {
  const blocks = [...text.matchAll(BASH_BLOCK)].map((match) => match[1]!);
  return blocks.length === 1 ? blocks[0]! : null;
}

function miniSweRun(id: string, source: { messages: SweMessage[]; info: { submission?: string } }): RealRun {
  const messages = source.messages;
  const created = messages.filter((message) => message.role === 'assistant').map((message) => (message.extra?.response?.created ?? 0) * 1000);
  const gaps = created.slice(1).map((value, index) => value - created[index]!).filter((gap) => gap > 0).sort((a, b) => a - b);
  const medianGap = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 5000;
  const steps: RealStep[] = [];
  const task = messages.find((message, index) => index > 0 && message.role === 'user')?.content ?? '';
  let previousEnd = created[0]! - medianGap;
  let turn = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== 'assistant') continue;
    const response = message.extra?.response;
    const endMs = Math.max(created[turn]!, previousEnd + 1);
    turn++;
    const command = bashAction(message.content);
    steps.push({
      type: 'model',
      agent: 'mini-swe-agent',
      model: response?.model ?? 'gemini-3-pro-preview',
      text: message.content,
      toolCalls: [],
      inputTokens: response?.usage?.prompt_tokens ?? null,
      outputTokens: response?.usage?.completion_tokens ?? null,
      finishReason: response?.choices?.[0]?.finish_reason ?? null,
      observation: null, observationEndMs: null, error: null,
      startMs: previousEnd,
      endMs,
    });
    previousEnd = endMs;
    const next = messages[i + 1];
    if (command === null || next === undefined || next.role !== 'user') continue;
    const code = RETURN_CODE.exec(next.content);
    const output = code === null ? next.content : next.content.slice(code[0].length);
    steps.push({
      type: 'tool',
      agent: 'mini-swe-agent',
      name: 'bash',
      arguments: JSON.stringify({ command }),
      result: JSON.stringify({ returncode: code === null ? 0 : Number(code[1]), output: unwrapOutput(output) }),
      callId: null,
      error: null,
      startMs: endMs,
      endMs: endMs + 1,
    });
    previousEnd = endMs + 1;
  }
  return {
    corpus: 'mini-swe-agent',
    runId: `mini-swe-agent/${id}`,
    framework: 'mini-swe-agent',
    wire: wireOf(id),
    task,
    steps,
    finalAnswer: source.info.submission ?? null,
    rootError: null,
    timed: true,
  };
}

/**
 * Half the runs (by a hash of the id, independent of the dev/holdout split) are sent as a
 * smolagents CodeAgent whose code calls a bash tool, half as OpenInference LLM + TOOL spans.
 */
function wireOf(id: string): RealRun['wire'] {
  return Number.parseInt(fnv1a64(`wire\u0000${id}`).slice(0, 8), 16) % 2 === 0 ? 'smolagents-code' : 'openinference-tools';
}

/** `<output>…</output>` → its text; a too-long-output observation is kept whole (warning, head, elision, tail). */
function unwrapOutput(text: string): string {
  const match = /^<output>\n?([\s\S]*?)\n?<\/output>\s*$/.exec(text.trim());
  return match === null ? text.trim() : match[1]!;
}
