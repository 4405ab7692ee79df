import type { Attributes, OtlpEvent } from './otlp.js';

/**
 * The one model every dialect is normalised into at ingest (see CONVENTIONS.md §4.7).
 * Detectors, the store and the web view read only this; the raw attributes are kept beside it
 * so nothing the sender said is lost.
 */

/**
 * What a span is, whatever dialect said it (decided in model/normalize/normalize-span.ts):
 * - 'agent': an agent run or the whole call of an agent-like API: `invoke_agent`/`create_agent`,
 *   OpenInference AGENT, Traceloop `agent`, a Traceloop `workflow` or `invoke_workflow` at the
 *   root of a trace, Vercel `ai.generateText`/`streamText`/`generateObject`/`streamObject`.
 *   Its usage is the aggregate of its calls and is never counted as an LLM call.
 * - 'llm': one call to a model (`chat`/`generate_content`/`text_completion`, OpenInference LLM,
 *   Vercel `*.doGenerate`/`*.doStream`, `llm.request.type` chat/completion).
 * - 'tool': one tool execution (`execute_tool`, OpenInference TOOL, `ai.toolCall`, Traceloop `tool`).
 * - 'other': everything else, including steps/chains/tasks (`agent_step`, CHAIN, `task`, nested
 *   workflows), embeddings, retrieval, rerank and memory operations.
 */
export type SpanKind = 'agent' | 'llm' | 'tool' | 'other';

/** OTLP status mapped to words: UNSET → 'unset', OK → 'ok', ERROR → 'error'. */
export type SpanStatus = 'ok' | 'error' | 'unset';

/** A model call: the fields detectors and the web view need, taken from any dialect. */
export interface LlmCall {
  /** Actual model when reported (response), else the requested one; null when unknown. */
  model: string | null;
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /**
   * Normalised finish reason of the (first) choice: lower-case, `tool-calls`/`tool_calls`/
   * `tool_use` → `tool_call`, `content-filter` → `content_filter`, `max_tokens` → `length`.
   */
  finishReason: string | null;
  /**
   * The assistant's text output, text parts joined with '\n'; '' when the response was captured
   * but had no text (e.g. only tool calls, or an empty answer); null when content isn't captured.
   */
  outputText: string | null;
  /** Names of the tools the model asked to call in this response (empty when none or unknown). */
  toolCallNames: string[];
}

/** A tool call: name, arguments and result as text (JSON text when structured). */
export interface ToolCall {
  name: string;
  /** Arguments as sent: JSON text when structured, plain text otherwise; null when not captured. */
  arguments: string | null;
  /** The result as returned: JSON text when structured; null when not captured. */
  result: string | null;
}

export interface NormalizedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** OTLP SpanKind number (0–5), kept for fidelity. */
  otelKind: number;
  /** Exact OTLP times. */
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** (end − start) in milliseconds; 0 when the end precedes the start. */
  durationMs: number;
  status: SpanStatus;
  statusMessage: string;
  /** `service.name` of the resource, or 'unknown_service'. */
  service: string;
  /** Agent name when this span or its dialect names one (gen_ai.agent.name, agent.name, …). */
  agent: string | null;
  /** Conversation / session id when the dialect carries one. */
  sessionId: string | null;
  /**
   * The operation key baselines are kept under: kind-specific, low-cardinality, e.g.
   * `tool:search`, `llm:gpt-4o`, `agent:planner`, or `span:<name>` for other spans.
   */
  operation: string;
  llm: LlmCall | null;
  tool: ToolCall | null;
  /** The span's attributes as received (after redaction), resource attributes not included. */
  attributes: Attributes;
  events: OtlpEvent[];
  /** Resource attributes of the span's ResourceSpans. */
  resource: Attributes;
  scopeName: string;
}
