import { SpanKind, type Attributes } from '@opentelemetry/api';
import { captureContent, toText } from './content-capture.js';
import { GEN_AI, GEN_AI_OPERATION } from './gen-ai-attributes.js';
import { toInputMessages, toOutputMessages, type ChatMessageInput } from './messages.js';
import { runInSpan, type SpanTiming, type TracedSpan } from './run-in-span.js';

export interface AgentRunOptions extends SpanTiming {
  /** `gen_ai.agent.id`, when agents have stable ids. */
  agentId?: string;
  /** `gen_ai.conversation.id`: groups runs of one session. */
  conversationId?: string;
  /** The model the agent mainly uses (`gen_ai.request.model`). */
  model?: string;
  /** `gen_ai.provider.name`, e.g. "openai". */
  provider?: string;
  /** What the run was asked: a string (one user message) or chat messages. */
  input?: string | ChatMessageInput[];
  attributes?: Attributes;
}

export interface AgentRun extends TracedSpan {
  /** Records the run's input, if not given in the options. */
  setInput(input: string | ChatMessageInput[]): void;
  /**
   * Records the final answer. By default the function's return value is recorded (strings as
   * text, other values as JSON); call this to record something else, or `setOutput(undefined)`
   * to record no answer.
   */
  setOutput(output: unknown): void;
}

/**
 * Wraps one agent run in an `invoke_agent {name}` span (INTERNAL). LLM and tool calls made
 * inside `fn` become its children. Errors thrown by `fn` are recorded and rethrown. Returns what
 * `fn` returns.
 *
 * @example
 * const answer = await traceAgentRun('support', async (run) => {
 *   run.setInput(question);
 *   return answerQuestion(question);
 * });
 */
export function traceAgentRun<T>(name: string, fn: (run: AgentRun) => T | Promise<T>, options: AgentRunOptions = {}): Promise<T> {
  let outputSet = false;
  let output: unknown;
  return runInSpan(
    {
      name: `${GEN_AI_OPERATION.invokeAgent} ${name}`,
      kind: SpanKind.INTERNAL,
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.invokeAgent,
        [GEN_AI.agentName]: name,
        [GEN_AI.agentId]: options.agentId,
        [GEN_AI.conversationId]: options.conversationId,
        [GEN_AI.requestModel]: options.model,
        [GEN_AI.providerName]: options.provider,
        [GEN_AI.inputMessages]: options.input === undefined ? undefined : captureContent(toInputMessages(options.input), GEN_AI.inputMessages),
        ...options.attributes,
      },
      timing: options,
    },
    (base): AgentRun => ({
      ...base,
      setInput(input) {
        base.setAttribute(GEN_AI.inputMessages, captureContent(toInputMessages(input), GEN_AI.inputMessages));
      },
      setOutput(value) {
        outputSet = true;
        output = value;
      },
    }),
    fn,
    (run, result) => {
      const value = outputSet ? output : result;
      if (value === undefined) return;
      run.setAttribute(GEN_AI.outputMessages, captureContent(toOutputMessages(toText(value), undefined, 'stop'), GEN_AI.outputMessages));
    },
  );
}
