/** `npx tsx test/heldout/print-heldout.ts`: the held-out figures and every miss. */
import { heldoutBehaviourRuns, heldoutLatencyRuns } from './heldout-runs.js';
import { scoreHeldout, formatScores } from './score-heldout.js';
const now = Date.now();
const runs = [...heldoutBehaviourRuns(now), ...heldoutLatencyRuns(now)];
const r = await scoreHeldout(runs);
console.log(runs.length, 'runs'); console.log(formatScores(r)); for (const m of r.misses) console.log(m.slice(0, 260));
