/**
 * A simulated agent run as plain data: what the agent was asked, each model and tool call in
 * order with its duration, and the final answer. Replayed through tracehound/instrument by
 * replay-run.ts; built by the agents in demo/agents/.
 */

/** The ways a demo run can go; every failure mode tracehound looks for has one. */
export const SCENARIOS = [
  'normal',
  'tool_loop_repeat',
  'tool_loop_ping_pong',
  'tool_loop_errors',
  'swallowed_tool_error',
  'empty_answer',
  'truncated_answer',
  'refusal',
  'ends_on_tool_call',
  'latency_spike',
  'loud_error',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Which detector should flag a scenario (null: none; loud_error fails loudly, not silently). */
export const EXPECTED_DETECTOR: Record<Scenario, 'silent_failure' | 'tool_loop' | 'latency_spike' | null> = {
  normal: null,
  tool_loop_repeat: 'tool_loop',
  tool_loop_ping_pong: 'tool_loop',
  tool_loop_errors: 'tool_loop',
  swallowed_tool_error: 'silent_failure',
  empty_answer: 'silent_failure',
  truncated_answer: 'silent_failure',
  refusal: 'silent_failure',
  ends_on_tool_call: 'silent_failure',
  latency_spike: 'latency_spike',
  loud_error: null,
};

export interface ToolCallRequest {
  name: string;
  args: Record<string, unknown>;
}

export interface LlmStep {
  type: 'llm';
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  finishReason: string;
  /** Assistant text, if any. */
  text?: string;
  /** Tools the model asked for. */
  toolCalls?: ToolCallRequest[];
}

export interface ToolStep {
  type: 'tool';
  name: string;
  args: Record<string, unknown>;
  durationMs: number;
  /** What the tool returned (may itself be an error payload: a silent failure). */
  result?: unknown;
  /** Set when the tool threw: the span becomes ERROR. */
  error?: string;
}

export type Step = LlmStep | ToolStep;

export interface RunScript {
  agent: string;
  model: string;
  provider: string;
  scenario: Scenario;
  /** Run start, epoch milliseconds. */
  startMs: number;
  conversationId: string;
  input: string;
  steps: Step[];
  /** The final answer; undefined when the run ends without one. */
  output?: string;
  /** The run ends by throwing this (a loud failure: root span ERROR). */
  error?: string;
}

/** A demo agent: its identity and how it behaves in each scenario. */
export interface DemoAgent {
  agent: string;
  model: string;
  provider: string;
  /** The failure scenarios this agent shows, in the order they are handed out. */
  failures: readonly Scenario[];
  /** Steps, answer and input of one run (times are filled in by the caller). */
  script(scenario: Scenario, random: import('../model/seeded-random.js').Random): Pick<RunScript, 'input' | 'steps' | 'output' | 'error'>;
}
