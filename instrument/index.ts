/**
 * tracehound/instrument: send an agent's traces to tracehound with one call, and record agent
 * runs, LLM calls and tool calls with the OpenTelemetry GenAI attributes.
 *
 * @example
 * import { startTracing, traceAgentRun, traceLlmCall, traceToolCall } from 'tracehound/instrument';
 * startTracing({ serviceName: 'support-bot' });
 */
export { startTracing, shutdown, resolveTracesUrl, DEFAULT_ENDPOINT, type StartTracingOptions, type Tracing } from './start-tracing.js';
export { traceAgentRun, type AgentRun, type AgentRunOptions } from './trace-agent-run.js';
export { traceLlmCall, type LlmCall, type LlmRequest, type LlmResponse } from './trace-llm-call.js';
export { traceToolCall, type ToolCall, type ToolCallOptions } from './trace-tool-call.js';
export type { SpanTiming, TracedSpan } from './run-in-span.js';
export type { ChatMessageInput, ToolCallRequest } from './messages.js';
export type { ContentField, RedactContent } from './content-capture.js';
export type { ExportStats } from './counting-exporter.js';
export { GEN_AI, GEN_AI_OPERATION } from './gen-ai-attributes.js';
