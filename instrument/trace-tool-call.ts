import { SpanKind, type Attributes } from '@opentelemetry/api';
import { captureContent } from './content-capture.js';
import { GEN_AI, GEN_AI_OPERATION } from './gen-ai-attributes.js';
import { runInSpan, type SpanTiming, type TracedSpan } from './run-in-span.js';

export interface ToolCallOptions extends SpanTiming {
  /** The model's id for this call (`gen_ai.tool.call.id`). */
  toolCallId?: string;
  /** `gen_ai.tool.type`: "function" (default), "extension" or "datastore". */
  toolType?: string;
  description?: string;
  attributes?: Attributes;
}

export interface ToolCall extends TracedSpan {
  /** Records this as the result instead of the function's return value. */
  setResult(result: unknown): void;
}

/**
 * Wraps one tool execution in an `execute_tool {name}` span (INTERNAL) with
 * `gen_ai.tool.call.arguments` and, on success, `gen_ai.tool.call.result` (the return value;
 * strings as they are, other values as JSON). A thrown error is recorded (exception event,
 * ERROR status) and rethrown. Return an error payload instead of throwing and the span stays
 * OK: that is exactly the silent failure tracehound looks for.
 *
 * @example
 * const order = await traceToolCall('get_order', { orderId }, () => orders.get(orderId));
 */
export function traceToolCall<T>(name: string, args: unknown, fn: (call: ToolCall) => T | Promise<T>, options: ToolCallOptions = {}): Promise<T> {
  let resultSet = false;
  let resultValue: unknown;
  return runInSpan(
    {
      name: `${GEN_AI_OPERATION.executeTool} ${name}`,
      kind: SpanKind.INTERNAL,
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.executeTool,
        [GEN_AI.toolName]: name,
        [GEN_AI.toolType]: options.toolType ?? 'function',
        [GEN_AI.toolCallId]: options.toolCallId,
        [GEN_AI.toolDescription]: options.description,
        [GEN_AI.toolCallArguments]: captureContent(args, GEN_AI.toolCallArguments),
        ...options.attributes,
      },
      timing: options,
    },
    (base): ToolCall => ({
      ...base,
      setResult(result) {
        resultSet = true;
        resultValue = result;
      },
    }),
    fn,
    (call, result) => {
      call.setAttribute(GEN_AI.toolCallResult, captureContent(resultSet ? resultValue : result, GEN_AI.toolCallResult));
    },
  );
}
