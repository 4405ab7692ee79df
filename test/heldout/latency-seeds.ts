/** `npx tsx test/heldout/latency-seeds.ts`: latency_spike on the held-out latency runs over ten seeds. */
import { heldoutLatencyRuns } from './heldout-runs.js';
import { scoreHeldout } from './score-heldout.js';

let tp = 0;
let fp = 0;
let fn = 0;
for (let seed = 1; seed <= 10; seed++) {
  const result = await scoreHeldout(heldoutLatencyRuns(Date.now(), seed * 7919));
  const score = result.scores.find((item) => item.detector === 'latency_spike')!;
  tp += score.tp;
  fp += score.fp;
  fn += score.fn;
  for (const miss of result.misses) console.log(`seed ${seed * 7919}: ${miss.slice(0, 200)}`);
}
console.log(`latency_spike over 10 seeds: TP ${tp} / FP ${fp} / FN ${fn}, P ${(tp / (tp + fp)).toFixed(3)} R ${(tp / (tp + fn)).toFixed(3)} F1 ${((2 * tp) / (2 * tp + fp + fn)).toFixed(3)}`);
