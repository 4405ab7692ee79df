import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { afterAll, describe, expect, it } from 'vitest';
import { captureSpans } from '../dialects/capture-spans.js';
import { heldoutBehaviourRuns, heldoutLatencyRuns } from './heldout-runs.js';
import { formatScores, scoreHeldout } from './score-heldout.js';
import { sdkRuns } from './sdk-agents.js';

/**
 * The detectors on a held-out set written apart from analyzer/eval and demo/: travel, SQL,
 * browser, ops and FX agents in six wire shapes (OTel GenAI ≥1.37, legacy flattened
 * gen_ai.completion.N, MCP tools/call, OpenInference, OpenLLMetry, Vercel AI SDK ai.*), plus
 * runs made by the real Vercel AI SDK and LangChain.js + OpenInference instrumentation, all
 * through the real normaliser, span writer and analyser.
 */
describe('held-out detection quality', () => {
  const capture = captureSpans('heldout-sdk');
  const instrumentation = new LangChainInstrumentation({ tracerProvider: capture.provider });
  instrumentation.manuallyInstrument(CallbackManagerModule);
  afterAll(async () => {
    instrumentation.disable();
    await capture.provider.shutdown();
  });

  it('keeps every detector at F1 ≥ 0.9 on the held-out runs', async () => {
    const now = Date.now();
    const sdk = await sdkRuns(capture.exporter, capture.provider.getTracer('ai'));
    const runs = [...heldoutBehaviourRuns(now), ...heldoutLatencyRuns(now), ...sdk];
    const result = await scoreHeldout(runs);
    console.log(`held-out: ${runs.length} runs (${sdk.length} from real SDKs)\n${formatScores(result)}${result.misses.length > 0 ? `\n${result.misses.join('\n')}` : ''}`);
    expect(sdk.length).toBeGreaterThanOrEqual(19);
    for (const score of result.scores) expect(score.f1, `${score.detector}: ${result.misses.join('\n')}`).toBeGreaterThanOrEqual(0.9);
  });
});
