import type { Attributes, OtlpSpan } from '../../../model/otlp.js';
import type { SpanFactory } from './render-real-run.js';
import { runWindow } from './render-real-run.js';
import type { ModelTurn, RealRun, ToolRun } from './real-run.js';

/**
 * A run as openinference-instrumentation-smolagents records a smolagents CodeAgent (attribute
 * names as its wrappers set them; nothing else is invented):
 * - `CodeAgent.run` AGENT: input.value is the JSON of run()'s arguments, `smolagents.task`,
 *   `smolagents.max_steps`, `smolagents.tools_names`; output.value the answer as text; the run's
 *   token totals; status OK unless run() raised.
 * - `Step N` CHAIN per action step: input.value the JSON of step()'s arguments, output.value the
 *   step's observations ("Execution logs:" + what the code printed). A step whose code failed is
 *   ERROR with the AgentExecutionError recorded as an exception event; the run goes on.
 * - `<Model>.generate` LLM under its step: llm.input_messages, llm.model_name, token counts,
 *   llm.output_messages.0.message.contents.0.message_content.text (the model's text with its
 *   code), output.value the JSON of the ChatMessage.
 * - Tools the code called, under the step: span named after the tool's class, TOOL, tool.name,
 *   tool.description, tool.parameters, input.value `{"args":[…],"sanitize_inputs_outputs":…,
 *   "kwargs":{…}}`, output.value the result. An answer is a `FinalAnswerTool` span (tool
 *   `final_answer`) in the last step, when that step answered rather than wrote more code.
 */
const OK = 1;
const MODEL_CLASS = 'LiteLLMModel';
/** smolagents' default step budget. */
const MAX_STEPS = 20;

interface Step {
  turn: ModelTurn;
  tools: ToolRun[];
}

function stepsOf(run: RealRun): Step[] {
  const steps: Step[] = [];
  for (const step of run.steps) {
    if (step.type === 'model') steps.push({ turn: step, tools: [] });
    else if (steps.length > 0) steps[steps.length - 1]!.tools.push(step);
  }
  return steps;
}

function ok(span: OtlpSpan): OtlpSpan {
  return span.statusCode === 2 ? span : { ...span, statusCode: OK };
}

function className(tool: string): string {
  return `${tool.replace(/(^|[_\W]+)(\w)/g, (_match, _sep: string, letter: string) => letter.toUpperCase())}Tool`;
}

/** What running a step's code printed, when it failed: the traceback's last line (AG2's `exitcode: 1`). */
function codeFailure(observation: string | null): string | null {
  if (observation === null || !/^exitcode: [1-9]/.test(observation.trimStart())) return null;
  const lines = observation.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? 'exitcode: 1';
}

function llmSpan(run: RealRun, turn: ModelTurn, parentId: string, factory: SpanFactory): OtlpSpan {
  const attributes: Attributes = {
    'openinference.span.kind': 'LLM',
    'input.mime_type': 'application/json',
    'input.value': JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: run.task.slice(0, 2000) }] }], stop_sequences: ['<end_code>', 'Observation:'] }),
    'llm.invocation_parameters': '{}',
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': run.task.slice(0, 2000),
    'llm.model_name': turn.model,
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.contents.0.message_content.type': 'text',
    'llm.output_messages.0.message.contents.0.message_content.text': turn.text,
    'output.mime_type': 'application/json',
    'output.value': JSON.stringify({ role: 'assistant', content: turn.text, tool_calls: null, raw: null, token_usage: turn.inputTokens === null || turn.outputTokens === null ? null : { input_tokens: turn.inputTokens, output_tokens: turn.outputTokens, total_tokens: turn.inputTokens + turn.outputTokens } }),
  };
  if (turn.inputTokens !== null) attributes['llm.token_count.prompt'] = turn.inputTokens;
  if (turn.outputTokens !== null) attributes['llm.token_count.completion'] = turn.outputTokens;
  if (turn.inputTokens !== null && turn.outputTokens !== null) attributes['llm.token_count.total'] = turn.inputTokens + turn.outputTokens;
  return ok(factory.span(`${MODEL_CLASS}.generate`, parentId, 1, turn.startMs, turn.endMs, attributes, turn.error));
}

function toolSpan(name: string, parentId: string, startMs: number, endMs: number, kwargs: unknown, result: string, factory: SpanFactory, error: string | null): OtlpSpan {
  const json = result.startsWith('{') || result.startsWith('[');
  const attributes: Attributes = {
    'openinference.span.kind': 'TOOL',
    'input.value': JSON.stringify({ args: [], sanitize_inputs_outputs: true, kwargs }),
    'tool.name': name,
    'tool.description': name === 'final_answer' ? 'Provides a final answer to the given problem.' : `The ${name} tool.`,
    'tool.parameters': JSON.stringify(name === 'final_answer' ? { answer: { type: 'any', description: 'The final answer to the problem' } } : {}),
    'output.value': result,
    'output.mime_type': json ? 'application/json' : 'text/plain',
  };
  return ok(factory.span(name === 'final_answer' ? 'FinalAnswerTool' : className(name), parentId, 1, startMs, endMs, attributes, error === null ? null : { type: 'AgentToolExecutionError', message: error }));
}

function parseKwargs(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { input: text };
  }
}

export function renderSmolagentsCode(run: RealRun, factory: SpanFactory): OtlpSpan[] {
  const [start, end] = runWindow(run);
  const steps = stepsOf(run);
  const toolNames = [...new Set(steps.flatMap((step) => step.tools.map((tool) => tool.name))), 'final_answer'];
  let input = 0;
  let output = 0;
  for (const step of steps) {
    input += step.turn.inputTokens ?? 0;
    output += step.turn.outputTokens ?? 0;
  }
  const rootAttributes: Attributes = {
    'openinference.span.kind': 'AGENT',
    'input.value': JSON.stringify({ task: run.task, stream: false, reset: true, images: null, additional_args: null, max_steps: null }),
    'smolagents.task': run.task,
    'smolagents.max_steps': MAX_STEPS,
    'smolagents.tools_names': toolNames,
    'llm.token_count.prompt': input,
    'llm.token_count.completion': output,
    'llm.token_count.total': input + output,
  };
  if (run.finalAnswer !== null) rootAttributes['output.value'] = run.finalAnswer;
  const root = factory.span('CodeAgent.run', null, 1, start, end + 2, rootAttributes, run.rootError === null ? null : { type: 'AgentError', message: run.rootError });
  const spans = [ok(root)];
  // final_answer ran only when the last turn answered; a run whose last turn still wrote code
  // ended at its step budget (smolagents then asks the model for an answer outside any tool).
  const answered = run.finalAnswer !== null && steps.length > 0 && !steps[steps.length - 1]!.turn.text.includes('```');
  steps.forEach((step, index) => {
    const last = index === steps.length - 1 && answered;
    const toolsEnd = Math.max(step.turn.endMs, ...step.tools.map((tool) => tool.endMs));
    const stepEnd = Math.max(toolsEnd, step.turn.observationEndMs ?? 0) + (last ? 2 : 0);
    const printed = step.turn.observation ?? (step.tools.length > 0 ? `\nLast output from code snippet:\n${step.tools.map((tool) => tool.result).join('\n')}` : null);
    const attributes: Attributes = {
      'openinference.span.kind': 'CHAIN',
      'input.value': JSON.stringify({ memory_step: `ActionStep(step_number=${index + 1}, model_output=..., observations=..., error=None)` }),
    };
    if (printed !== null) attributes['output.value'] = `Execution logs:\n${printed}`;
    const failure = codeFailure(step.turn.observation);
    const stepSpan = factory.span(
      `Step ${index + 1}`, factory.rootId, 1, step.turn.startMs, stepEnd, attributes,
      failure === null ? null : { type: 'AgentExecutionError', message: `Code execution failed due to the following error:\n${failure}` },
    );
    spans.push(ok(stepSpan), llmSpan(run, step.turn, stepSpan.spanId, factory));
    for (const tool of step.tools) spans.push(toolSpan(tool.name, stepSpan.spanId, tool.startMs, tool.endMs, parseKwargs(tool.arguments), tool.result, factory, tool.error));
    if (last) {
      spans.push(toolSpan('final_answer', stepSpan.spanId, stepEnd - 2, stepEnd - 1, { answer: run.finalAnswer }, run.finalAnswer ?? '', factory, null));
    }
  });
  return spans;
}
