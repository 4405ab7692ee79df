import type { Tracer } from '@opentelemetry/api';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';

/**
 * A weather agent on the real Vercel AI SDK (ai@6, legacy `ai.*` telemetry) with its mock
 * language model: step 1 calls the `weather` tool (50 in / 10 out tokens), step 2 answers
 * (80 in / 12 out), functionId `my-agent`, metadata sessionId `chat-7`.
 */
const USAGE = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

function weatherAgentModel() {
  let call = 0;
  return new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'mock-model-1',
    doGenerate: async () => {
      call++;
      if (call === 1) {
        return {
          content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage: USAGE(50, 10),
          warnings: [],
        };
      }
      return {
        content: [{ type: 'text', text: 'It is 22 degrees in Paris.' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: USAGE(80, 12),
        warnings: [],
      };
    },
  });
}

/** Runs the weather agent with telemetry into `tracer`; the shared scenario of these tests. */
export async function runWeatherAgent(tracer: Tracer): Promise<string> {
  const result = await generateText({
    model: weatherAgentModel(),
    prompt: 'What is the weather in Paris?',
    tools: {
      weather: tool({
        description: 'Current weather of a city',
        inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
        execute: async ({ city }) => ({ city, temperatureC: 22 }),
      }),
    },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, functionId: 'my-agent', metadata: { sessionId: 'chat-7' }, tracer },
  });
  return result.text;
}
