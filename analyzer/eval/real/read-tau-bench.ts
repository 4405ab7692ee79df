import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plausibleClock } from './plausible-times.js';
import type { CorpusName, RealRun, RealStep } from './real-run.js';

/**
 * tau-bench runs (airline: tau-bench's historical GPT-4o trajectories; retail: AgentRx's copy of
 * 100 retail runs): OpenAI chat messages. Each assistant message is a model call (its text and
 * tool calls), each `tool` message a tool execution whose content is the result exactly as the
 * agent saw it (errors come back as "Error: …" text, never raised). The simulated customer's
 * turns are not traced (a separate process), only the time they take.
 */
interface TauMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[] | null;
  tool_call_id?: string;
  name?: string;
}

export interface TauSource {
  task_id: number;
  trial?: number;
  reward: number;
  traj: TauMessage[];
}

export const TAU_FILES: Record<'tau-airline' | 'tau-retail', string> = {
  'tau-airline': 'tau-bench/historical_trajectories/gpt-4o-airline.json',
  'tau-retail': 'agentrx/data/tau_retail/tau_dataset_full.json',
};

export function tauRunId(corpus: 'tau-airline' | 'tau-retail', source: TauSource): string {
  return corpus === 'tau-airline' ? `${corpus}/task${source.task_id}-trial${source.trial ?? 0}` : `${corpus}/task${source.task_id}`;
}

export function readTauSources(dir: string, corpus: 'tau-airline' | 'tau-retail'): TauSource[] {
  return JSON.parse(readFileSync(join(dir, TAU_FILES[corpus]), 'utf8')) as TauSource[];
}

export function readTauRuns(dir: string, corpus: 'tau-airline' | 'tau-retail'): RealRun[] {
  return readTauSources(dir, corpus).map((source, index) => tauRun(corpus satisfies CorpusName, source, index));
}

function tauRun(corpus: 'tau-airline' | 'tau-retail', source: TauSource, index: number): RealRun {
  const runId = tauRunId(corpus, source);
  const clock = plausibleClock(runId, index);
  const steps: RealStep[] = [];
  const agent = corpus === 'tau-airline' ? 'airline-agent' : 'retail-agent';
  const pending = new Map<string, { name: string; arguments: string }>();
  let task = '';
  let finalAnswer: string | null = null;
  for (const message of source.traj) {
    if (message.role === 'system') continue;
    if (message.role === 'user') {
      if (task === '') task = message.content ?? '';
      clock.pause(4000);
      continue;
    }
    if (message.role === 'assistant') {
      const text = message.content ?? '';
      const toolCalls = (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
      for (const call of toolCalls) pending.set(call.id, call);
      const [startMs, endMs] = clock.model(text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0));
      steps.push({
        type: 'model', agent, model: 'gpt-4o-2024-08-06', text, toolCalls, inputTokens: null, outputTokens: Math.ceil((text.length + 40 * toolCalls.length) / 4),
        finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop', observation: null, observationEndMs: null, error: null, startMs, endMs,
      });
      if (toolCalls.length === 0 && text !== '') finalAnswer = text;
      continue;
    }
    if (message.role === 'tool') {
      const call = pending.get(message.tool_call_id ?? '');
      const [startMs, endMs] = clock.tool();
      steps.push({
        type: 'tool', agent, name: message.name ?? call?.name ?? 'tool', arguments: call?.arguments ?? '{}', result: message.content ?? '',
        callId: message.tool_call_id ?? null, error: null, startMs, endMs,
      });
    }
  }
  return { corpus, runId, framework: 'tau-bench', wire: corpus === 'tau-airline' ? 'openllmetry' : 'otel-genai', task, steps, finalAnswer, rootError: null, timed: false };
}
