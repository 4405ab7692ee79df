/**
 * A real agent run from a public corpus, read into one neutral shape before it is rendered as
 * OTLP in its framework's wire shape. Readers (read-*.ts) fill it from the source files as they
 * are; render-*.ts turn it into spans. Nothing here is tracehound's model: it is replay input.
 */

/** The corpora (../shared/corpora) a run comes from; the labels files are named after these. */
export const CORPORA = ['mini-swe-agent', 'who-and-when', 'tau-airline', 'tau-retail'] as const;
export type CorpusName = (typeof CORPORA)[number];

/**
 * How the run is sent (which instrumentation a real deployment of that framework would use):
 * - openinference-tools: OpenInference AGENT → LLM + TOOL spans (mini-swe-agent: each bash action a TOOL span).
 * - smolagents-code: openinference-instrumentation-smolagents' CodeAgent shape, `CodeAgent.run`
 *   → `Step N` CHAIN → `LiteLLMModel.generate` LLM + the tools the code called + `FinalAnswerTool`:
 *   the code is in the model's output, what it printed in the step's output.value, a failed code
 *   run an ERROR step (AG2 CaptainAgent teams; half of mini-swe-agent, bash called from the code).
 * - otel-genai: GenAI conventions, invoke_agent → chat / execute_tool (Magentic-One on AutoGen, tau retail).
 * - openllmetry: Traceloop `*.workflow` → `openai.chat` / `*.tool` (tau airline).
 */
export type WireShape = 'openinference-tools' | 'smolagents-code' | 'otel-genai' | 'openllmetry';

export interface ToolCallRequest {
  id: string;
  name: string;
  /** JSON text, as the model sent it. */
  arguments: string;
}

/** A model call: what the model wrote (its code and thoughts too) and the tools it asked for. */
export interface ModelTurn {
  type: 'model';
  /** The agent that spoke (Magentic-One's Orchestrator, an AG2 expert, …). */
  agent: string;
  model: string;
  text: string;
  toolCalls: ToolCallRequest[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** Provider finish reason as recorded, or null. */
  finishReason: string | null;
  /** For code agents: what running this turn's code printed (the step's observation), or null. */
  observation: string | null;
  /** When the observation's code finished running (the step's end), or null. */
  observationEndMs: number | null;
  /** The call raised (span ERROR with an exception event): the exception's type and message. */
  error: { type: string; message: string } | null;
  /** Epoch ms; real when the source has times, synthesised otherwise (see plausible-times.ts). */
  startMs: number;
  endMs: number;
}

/** A tool execution: its arguments and the result exactly as the agent saw it. */
export interface ToolRun {
  type: 'tool';
  agent: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
  /** The result as returned (text, or JSON text). */
  result: string;
  callId: string | null;
  /** The tool raised (span ERROR) with this message; null when it returned normally. */
  error: string | null;
  startMs: number;
  endMs: number;
}

export type RealStep = ModelTurn | ToolRun;

export interface RealRun {
  corpus: CorpusName;
  /** `<corpus>/<source id>`; stable, the key of the labels and of the split. */
  runId: string;
  framework: string;
  wire: WireShape;
  /** The user's request. */
  task: string;
  steps: RealStep[];
  /** What the run returned as its answer (the framework's own record of it), or null. */
  finalAnswer: string | null;
  /** The run failed loudly (the process exited non-zero): the root span is ERROR with this message. */
  rootError: string | null;
  /** True when the source recorded times (mini-swe-agent); false when they were synthesised. */
  timed: boolean;
}
