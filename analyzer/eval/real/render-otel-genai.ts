import type { Attributes, OtlpSpan } from '../../../model/otlp.js';
import type { SpanFactory } from './render-real-run.js';
import { parseArguments, runWindow } from './render-real-run.js';
import type { RealRun } from './real-run.js';

/**
 * OpenTelemetry GenAI conventions (CONVENTIONS.md §4.2): `invoke_agent {agent}` root with
 * gen_ai.input/output.messages; `chat {model}` CLIENT spans with gen_ai.output.messages (text
 * and tool_call parts); `execute_tool {tool}` spans with gen_ai.tool.call.arguments/result.
 */
export function renderOtelGenAi(run: RealRun, factory: SpanFactory): OtlpSpan[] {
  const [start, end] = runWindow(run);
  const agent = run.framework === 'magentic-one' ? 'MagenticOne' : run.framework === 'tau-bench' ? 'retail-agent' : run.framework;
  const rootAttributes: Attributes = {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': agent,
    'gen_ai.provider.name': 'openai',
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: run.task }] }]),
  };
  if (run.finalAnswer !== null) {
    rootAttributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: run.finalAnswer }], finish_reason: 'stop' }]);
  }
  const spans = [factory.span(`invoke_agent ${agent}`, null, 1, start, end, rootAttributes, run.rootError)];
  for (const step of run.steps) {
    if (step.type === 'model') {
      const parts: unknown[] = [];
      if (step.text !== '') parts.push({ type: 'text', content: step.text });
      for (const call of step.toolCalls) parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: parseArguments(call.arguments) });
      const finish = step.finishReason ?? 'stop';
      const attributes: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': step.model,
        'gen_ai.agent.name': step.agent,
      };
      if (step.error === null) {
        attributes['gen_ai.response.finish_reasons'] = [finish];
        attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts, finish_reason: finish === 'tool_calls' ? 'tool_call' : finish }]);
      } else attributes['error.type'] = step.error.type;
      if (step.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = step.inputTokens;
      if (step.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = step.outputTokens;
      spans.push(factory.span(`chat ${step.model}`, factory.rootId, 3, step.startMs, step.endMs, attributes, step.error));
    } else {
      const attributes: Attributes = {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': step.name,
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.arguments': step.arguments,
      };
      if (step.callId !== null) attributes['gen_ai.tool.call.id'] = step.callId;
      if (step.error === null) attributes['gen_ai.tool.call.result'] = step.result;
      else attributes['error.type'] = 'ToolError';
      spans.push(factory.span(`execute_tool ${step.name}`, factory.rootId, 1, step.startMs, step.endMs, attributes, step.error));
    }
  }
  return spans;
}
