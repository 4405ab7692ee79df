import type { Attributes, OtlpSpan } from '../../../model/otlp.js';
import type { SpanFactory } from './render-real-run.js';
import { runWindow } from './render-real-run.js';
import type { ModelTurn, RealRun } from './real-run.js';

/**
 * OpenInference (Arize) spans: an AGENT root with the task as input.value and the answer as
 * output.value; LLM spans with llm.* and llm.output_messages.0.message.*.
 * - tools: each executed action is a TOOL span (tool.name, input.value = JSON arguments,
 *   output.value = the result).
 */
function llmAttributes(turn: ModelTurn): Attributes {
  const attributes: Attributes = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': turn.model,
    'llm.provider': turn.model.includes('gemini') ? 'google' : 'openai',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': turn.text,
    'output.value': turn.text,
    'output.mime_type': 'text/plain',
  };
  if (turn.agent !== '') attributes['llm.output_messages.0.message.name'] = turn.agent;
  if (turn.inputTokens !== null) attributes['llm.token_count.prompt'] = turn.inputTokens;
  if (turn.outputTokens !== null) attributes['llm.token_count.completion'] = turn.outputTokens;
  if (turn.inputTokens !== null && turn.outputTokens !== null) attributes['llm.token_count.total'] = turn.inputTokens + turn.outputTokens;
  return attributes;
}

function root(run: RealRun, factory: SpanFactory): OtlpSpan {
  const [start, end] = runWindow(run);
  const attributes: Attributes = { 'openinference.span.kind': 'AGENT', 'agent.name': run.framework, 'input.value': run.task, 'input.mime_type': 'text/plain' };
  if (run.finalAnswer !== null) {
    attributes['output.value'] = run.finalAnswer;
    attributes['output.mime_type'] = 'text/plain';
  }
  return factory.span(run.framework, null, 1, start, end, attributes, run.rootError);
}

export function renderOpenInferenceTools(run: RealRun, factory: SpanFactory): OtlpSpan[] {
  const spans = [root(run, factory)];
  for (const step of run.steps) {
    if (step.type === 'model') {
      spans.push(factory.span('completion', factory.rootId, 1, step.startMs, step.endMs, llmAttributes(step), step.error));
    } else {
      spans.push(
        factory.span(step.name, factory.rootId, 1, step.startMs, step.endMs, {
          'openinference.span.kind': 'TOOL',
          'tool.name': step.name,
          'input.value': step.arguments,
          'input.mime_type': 'application/json',
          'output.value': step.result,
          'output.mime_type': step.result.startsWith('{') ? 'application/json' : 'text/plain',
        }, step.error),
      );
    }
  }
  return spans;
}
