import type { Attributes, OtlpSpan } from '../../../model/otlp.js';
import type { SpanFactory } from './render-real-run.js';
import { parseArguments, runWindow } from './render-real-run.js';
import type { RealRun } from './real-run.js';

/**
 * Traceloop / OpenLLMetry (CONVENTIONS.md §4.5): `{agent}.workflow` root with
 * traceloop.entity.input/output; `openai.chat` CLIENT spans with the flattened
 * gen_ai.completion.0.* attributes of the 2025 releases; `{tool}.tool` spans with
 * traceloop.entity.input = {"args": [], "kwargs": …} and traceloop.entity.output = the result.
 */
export function renderOpenLlmetry(run: RealRun, factory: SpanFactory): OtlpSpan[] {
  const [start, end] = runWindow(run);
  const workflow = run.corpus === 'tau-airline' ? 'airline-agent' : run.framework;
  const rootAttributes: Attributes = {
    'traceloop.span.kind': 'workflow',
    'traceloop.entity.name': workflow,
    'traceloop.workflow.name': workflow,
    'traceloop.entity.input': JSON.stringify({ args: [run.task], kwargs: {} }),
  };
  if (run.finalAnswer !== null) rootAttributes['traceloop.entity.output'] = JSON.stringify(run.finalAnswer);
  const spans = [factory.span(`${workflow}.workflow`, null, 1, start, end, rootAttributes, run.rootError)];
  for (const step of run.steps) {
    if (step.type === 'model') {
      const attributes: Attributes = {
        'llm.request.type': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': step.model,
        'traceloop.workflow.name': workflow,
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': step.text,
        'gen_ai.completion.0.finish_reason': step.finishReason ?? 'stop',
      };
      if (step.inputTokens !== null) attributes['gen_ai.usage.prompt_tokens'] = step.inputTokens;
      if (step.outputTokens !== null) attributes['gen_ai.usage.completion_tokens'] = step.outputTokens;
      step.toolCalls.forEach((call, index) => {
        attributes[`gen_ai.completion.0.tool_calls.${index}.id`] = call.id;
        attributes[`gen_ai.completion.0.tool_calls.${index}.name`] = call.name;
        attributes[`gen_ai.completion.0.tool_calls.${index}.arguments`] = call.arguments;
      });
      spans.push(factory.span('openai.chat', factory.rootId, 3, step.startMs, step.endMs, attributes, step.error));
    } else {
      const attributes: Attributes = {
        'traceloop.span.kind': 'tool',
        'traceloop.entity.name': step.name,
        'traceloop.workflow.name': workflow,
        'traceloop.entity.input': JSON.stringify({ args: [], kwargs: parseArguments(step.arguments) }),
      };
      if (step.error === null) attributes['traceloop.entity.output'] = JSON.stringify(step.result);
      spans.push(factory.span(`${step.name}.tool`, factory.rootId, 1, step.startMs, step.endMs, attributes, step.error));
    }
  }
  return spans;
}
