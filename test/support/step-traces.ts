import type { AnalysisTrace } from '../../analyzer/analysis-trace.js';
import { buildAnalysisTrace } from '../../analyzer/analysis-trace.js';
import type { LlmCall, NormalizedSpan } from '../../model/span.js';
import { hexId, makeSpan } from './normalized-spans.js';

/** One step of an agent run for detector tests: a tool call or a model call, one second apart. */
export type StepSpec =
  | { tool: string; args?: string; result?: string | null; error?: string; exception?: string; attributes?: NormalizedSpan['attributes'] }
  | { llm: Partial<LlmCall>; error?: string };

/** A model turn that asks for the `search` tool. */
export const asksTool: StepSpec = { llm: { finishReason: 'tool_call', outputText: '', toolCallNames: ['search'] } };

const T0 = 1_700_000_000_000;

/**
 * A trace of one agent run: an `invoke_agent a` root (status `rootStatus`, root attributes
 * `rootAttributes`) whose children are `steps` in order, each 500 ms long and one second apart.
 * A tool step's result defaults to `{"ok":true}`; a model step answers "All done." with finish
 * reason `stop` unless overridden.
 */
export function stepTrace(steps: readonly StepSpec[], rootStatus: 'unset' | 'error' = 'unset', rootAttributes: NormalizedSpan['attributes'] = {}): AnalysisTrace {
  const traceId = hexId(16);
  const root = makeSpan({ traceId, name: 'invoke_agent a', kind: 'agent', agent: 'a', startMs: T0, durationMs: 30_000, status: rootStatus, attributes: rootAttributes });
  const spans: NormalizedSpan[] = [root];
  steps.forEach((step, index) => {
    const common = { traceId, parentSpanId: root.spanId, startMs: T0 + 100 + index * 1000, durationMs: 500, status: step.error ? ('error' as const) : ('unset' as const), statusMessage: step.error ?? '' };
    if ('tool' in step) {
      spans.push(
        makeSpan({
          ...common,
          kind: 'tool',
          name: `execute_tool ${step.tool}`,
          operation: `tool:${step.tool}`,
          attributes: step.attributes ?? {},
          tool: { name: step.tool, arguments: step.args ?? '{}', result: step.result === undefined ? '{"ok":true}' : step.result },
          events: step.exception ? [{ name: 'exception', timeUnixNano: 0n, attributes: { 'exception.type': step.exception, 'exception.message': 'boom' } }] : [],
        }),
      );
    } else {
      spans.push(
        makeSpan({
          ...common,
          kind: 'llm',
          name: 'chat gpt-4o',
          operation: 'llm:gpt-4o',
          llm: { model: 'gpt-4o', provider: 'openai', inputTokens: 100, outputTokens: 20, finishReason: 'stop', outputText: 'All done.', toolCallNames: [], ...step.llm },
        }),
      );
    }
  });
  return buildAnalysisTrace(traceId, spans);
}
