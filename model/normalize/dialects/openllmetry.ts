import type { Attributes } from '../../otlp.js';
import type { SpanKind } from '../../span.js';
import { readString } from '../attribute-values.js';

/**
 * Traceloop OpenLLMetry (`@traceloop/node-server-sdk`, `traceloop-sdk`): decorator spans
 * `{entity}.{kind}` with `traceloop.span.kind`, `traceloop.entity.*`; LLM spans with
 * `llm.request.type` and OTel GenAI keys (read by otel-genai.ts), including the legacy
 * flattened `gen_ai.completion.N.*`.
 */
export const OPENLLMETRY_KEYS = {
  spanKind: 'traceloop.span.kind',
  requestType: 'llm.request.type',
  entityName: 'traceloop.entity.name',
  workflowName: ['traceloop.workflow.name'],
  sessionId: [
    'traceloop.association.properties.session_id',
    'traceloop.association.properties.sessionId',
    'traceloop.association.properties.thread_id',
    'traceloop.association.properties.threadId',
    'traceloop.association.properties.conversation_id',
  ],
  /** Tool spans only (this is the tool's name there). */
  toolName: ['traceloop.entity.name'],
  /** JSON `{"args":[…],"kwargs":{…}}` (Python) or the function's arguments (Node). */
  toolArguments: ['traceloop.entity.input'],
  toolResult: ['traceloop.entity.output'],
} as const;

/**
 * `traceloop.span.kind`: agent → agent; workflow → agent at the root of a trace (the run),
 * 'other' when nested; tool → tool; task → other; unknown → undefined.
 * Then `llm.request.type`: chat/completion → llm; embedding/rerank → other.
 */
export function openLlmetryKind(attributes: Attributes, isRoot: boolean): SpanKind | undefined {
  const spanKind = attributes[OPENLLMETRY_KEYS.spanKind];
  switch (spanKind) {
    case 'agent':
      return 'agent';
    case 'workflow':
      return isRoot ? 'agent' : 'other';
    case 'tool':
      return 'tool';
    case 'task':
      return 'other';
  }
  switch (attributes[OPENLLMETRY_KEYS.requestType]) {
    case 'chat':
    case 'completion':
      return 'llm';
    case 'embedding':
    case 'rerank':
      return 'other';
  }
  return undefined;
}

/** The entity name of an agent or workflow span: the agent's name. */
export function readOpenLlmetryAgentName(attributes: Attributes): string | null {
  const spanKind = attributes[OPENLLMETRY_KEYS.spanKind];
  if (spanKind !== 'agent' && spanKind !== 'workflow') return null;
  return readString(attributes[OPENLLMETRY_KEYS.entityName]);
}
