import { afterAll, describe, expect, it } from 'vitest';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { captureSpans } from '../dialects/capture-spans.js';
import { configSchema } from '../../config/schema.js';
import { buildAnalysisTrace } from '../../analyzer/analysis-trace.js';
import { runDetectors } from '../../analyzer/analyze-trace.js';

/**
 * The detectors on spans made by a real client library (Vercel AI SDK ai@6 telemetry, mock
 * model), normalised as at ingest: no hand-written attributes anywhere.
 */
const USAGE = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

type Turn = { call: { name: string; input: string } } | { text: string; finish?: 'stop' | 'length' };

function scriptedModel(turns: Turn[]) {
  let index = 0;
  return new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'mock-model-1',
    doGenerate: async () => {
      const turn = turns[Math.min(index++, turns.length - 1)]!;
      if ('call' in turn) {
        return {
          content: [{ type: 'tool-call', toolCallId: `call-${index}`, toolName: turn.call.name, input: turn.call.input }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage: USAGE(100, 10),
          warnings: [],
        };
      }
      return {
        content: [{ type: 'text', text: turn.text }],
        finishReason: { unified: turn.finish ?? 'stop', raw: turn.finish ?? 'stop' },
        usage: USAGE(120, 30),
        warnings: [],
      };
    },
  });
}

describe('detectors on real Vercel AI SDK spans', () => {
  const capture = captureSpans('sdk-agent');
  afterAll(() => capture.provider.shutdown());
  const context = { options: configSchema.parse({}).analyzer, latencyBaseline: () => null };

  async function runAgent(turns: Turn[], execute: (input: { q: string }) => unknown) {
    capture.exporter.reset();
    await generateText({
      model: scriptedModel(turns),
      prompt: 'Find the refund policy',
      tools: {
        search: tool({
          description: 'Search the knowledge base',
          inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }),
          execute: async (input) => execute(input),
        }),
      },
      stopWhen: stepCountIs(10),
      experimental_telemetry: { isEnabled: true, functionId: 'kb-agent', tracer: capture.provider.getTracer('ai') },
    });
    const spans = capture.normalized();
    const { findings } = runDetectors(buildAnalysisTrace(spans[0]!.traceId, spans), context);
    return findings.map(({ detector, draft }) => `${detector.id}:${draft.pattern}`);
  }

  it('flags the same search repeated with the same result as a tool loop', async () => {
    const call = { call: { name: 'search', input: '{"q":"refund policy"}' } };
    expect(await runAgent([call, call, call, call, call, { text: 'I could not find it.' }], () => ({ hits: [] }))).toEqual(['tool_loop:identical_calls']);
  });

  it('flags an error payload returned by a tool that did not throw', async () => {
    expect(await runAgent([{ call: { name: 'search', input: '{"q":"refunds"}' } }, { text: 'Refunds take 5 days.' }], () => ({ error: 'index unavailable', hits: null }))).toEqual([
      'silent_failure:silent_tool_error',
    ]);
  });

  it('flags a final answer cut at the token limit', async () => {
    expect(await runAgent([{ text: 'Our refund policy lets you return items within', finish: 'length' }], () => ({}))).toEqual(['silent_failure:truncated_answer']);
  });

  it('flags nothing on a healthy run that pages through results', async () => {
    const pages = [1, 2, 3, 4, 5].map((page) => ({ call: { name: 'search', input: `{"q":"refund policy","page":${page}}` } }));
    expect(await runAgent([...pages, { text: 'Refunds are accepted within 30 days.' }], (input) => ({ hits: [`${JSON.stringify(input)}`] }))).toEqual([]);
  });
});
