import { describe, expect, it } from 'vitest';
import { heldoutBehaviourRuns, heldoutLatencyRuns } from './heldout-runs.js';
import { formatScores, scoreHeldout } from './score-heldout.js';

/**
 * The detectors on a held-out set written apart from analyzer/eval and demo/: travel, SQL,
 * browser, ops and FX agents in six wire shapes (OTel GenAI ≥1.37, legacy flattened
 * gen_ai.completion.N, MCP tools/call, OpenInference, OpenLLMetry, Vercel AI SDK ai.*),
 * through the real normaliser, span writer and analyser.
 */
describe('held-out detection quality', () => {
  it('keeps every detector at F1 ≥ 0.9 on the held-out runs', async () => {
    const now = Date.now();
    const runs = [...heldoutBehaviourRuns(now), ...heldoutLatencyRuns(now)];
    const result = await scoreHeldout(runs);
    console.log(`held-out: ${runs.length} runs\n${formatScores(result)}${result.misses.length > 0 ? `\n${result.misses.join('\n')}` : ''}`);
    for (const score of result.scores) expect(score.f1, `${score.detector}: ${result.misses.join('\n')}`).toBeGreaterThanOrEqual(0.9);
  });
});
