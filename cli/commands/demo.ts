import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import { DEFAULT_ENDPOINT, resolveTracesUrl } from '../../instrument/index.js';
import { checkEndpoint } from '../../demo/check-endpoint.js';
import { runDemo } from '../../demo/run-demo.js';

export const demoHelp = `tracehound demo [--endpoint URL] [--runs N] [--seed N] [--days N] [--api-key KEY]

Sends realistic agent traffic through the OpenTelemetry SDK: a support, a research and a coding
agent, spread over the past days so latency baselines exist, with about a fifth of the runs
failing in each way tracehound looks for (tool loops, silent failures, latency spikes).

  --endpoint URL   OTLP/HTTP endpoint (default ${DEFAULT_ENDPOINT}; /v1/traces is appended)
  --runs N         how many runs (default 120)
  --seed N         same seed, same runs (default 42)
  --days N         days of history to spread the runs over (default 3)
  --api-key KEY    ingest key, when tracehound's auth.ingestKeys is set`;

/** `tracehound demo`: sends the demo runs, prints what was sent and where to look. */
export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string', default: DEFAULT_ENDPOINT },
      runs: { type: 'string', default: '120' },
      seed: { type: 'string', default: '42' },
      days: { type: 'string', default: '3' },
      'api-key': { type: 'string' },
    },
    strict: true,
  });
  const runs = integerFlag('--runs', values.runs, 1, 100_000);
  const seed = integerFlag('--seed', values.seed, 0, 2 ** 32 - 1);
  const days = integerFlag('--days', values.days, 1, 365);
  if (!/^https?:\/\/[^/]/.test(values.endpoint)) throw new UsageError(`--endpoint: expected an http(s) URL such as ${DEFAULT_ENDPOINT}, got "${values.endpoint}"`);
  const headers: Record<string, string> = values['api-key'] === undefined ? {} : { Authorization: `Bearer ${values['api-key']}` };

  const tracesUrl = resolveTracesUrl(values.endpoint, {});
  const problem = await checkEndpoint(tracesUrl, headers);
  if (problem !== null) {
    const refused = /answered (401|403)\b/.test(problem);
    const advice = refused
      ? 'tracehound requires an ingest key here: pass --api-key KEY (one of its auth.ingestKeys).'
      : 'Start tracehound first (npm start, or npx tracehound serve), or pass --endpoint URL.';
    throw plainError(`${problem}.\n${advice}`);
  }

  console.log(`Sending ${runs} demo runs to ${tracesUrl} …`);
  const summary = await runDemo({ endpoint: values.endpoint, runs, seed, days, headers });
  const scenarios = Object.entries(summary.scenarios)
    .map(([scenario, count]) => `${scenario} ${count}`)
    .join(', ');
  console.log(`Sent ${summary.export.exportedSpans} of ${summary.spans} spans (${summary.runs} runs: ${scenarios}) in ${(summary.durationMs / 1000).toFixed(1)} s.`);
  if (summary.export.failedSpans > 0) {
    throw plainError(`${summary.export.failedSpans} spans could not be sent: ${summary.export.lastError ?? 'unknown error'}`);
  }
  const expected = Object.entries(summary.expectedFlags)
    .map(([detector, count]) => `${count} × ${detector}`)
    .join(', ');
  const webUrl = tracesUrl.replace(/\/v1\/traces$/, '/');
  console.log(`
Runs that should be flagged: ${expected}.
Open ${webUrl} in a few seconds (the analyser judges each run 5 s after its last span
arrives) and click a flagged run to see the evidence.`);
}

/** A failure (exit 1) that main prints as its message alone: the stack would tell the user nothing. */
function plainError(message: string): Error {
  return Object.assign(new Error(message), { stack: message });
}

function integerFlag(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name}: expected a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}
