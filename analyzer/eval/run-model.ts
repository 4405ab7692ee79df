import type { DetectorId } from '../../model/api.js';

/** The dialects an agent's telemetry can arrive in (CONVENTIONS.md §4.3–4.5). */
export const DIALECTS = ['otel-genai', 'openinference', 'vercel-ai', 'openllmetry'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** A model call in an abstract run. */
export interface LlmStep {
  type: 'llm';
  model: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Generic finish reason: stop | tool_call | length | content_filter. */
  finishReason: 'stop' | 'tool_call' | 'length' | 'content_filter';
  text: string;
  toolCalls: { name: string; args: unknown }[];
  error?: string;
  exception?: { type: string; message: string };
}

/** A tool call in an abstract run. */
export interface ToolStep {
  type: 'tool';
  name: string;
  args: unknown;
  /** The result as the tool returned it (object → JSON); undefined: not recorded. */
  result: unknown;
  durationMs: number;
  /** Span status ERROR with this message. */
  error?: string;
  exception?: { type: string; message: string };
}

export type Step = LlmStep | ToolStep;

/** One agent run, independent of dialect; rendered to OTLP by render-otlp.ts. */
export interface AbstractRun {
  traceId: string;
  service: string;
  agent: string;
  dialect: Dialect;
  startMs: number;
  steps: Step[];
  /** Gap between steps, ms. */
  gapMs: number;
  rootError?: string;
  /** What the generator made: the scenario name and the detectors that should fire. */
  scenario: string;
  expected: DetectorId[];
}
