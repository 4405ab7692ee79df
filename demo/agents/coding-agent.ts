import type { DemoAgent, Step } from '../run-script.js';
import { answerTurn, failedToolCall, toolCall, toolTurn } from './steps.js';

const TASKS = [
  { ask: 'Fix the off-by-one error in the pagination helper.', file: 'src/pagination.ts', test: 'pagination' },
  { ask: 'The date parser fails on ISO week dates; please fix it.', file: 'src/dates/parse.ts', test: 'parse' },
  { ask: 'Make the retry helper respect the Retry-After header.', file: 'src/http/retry.ts', test: 'retry' },
  { ask: 'Rename the `usr` variable to `user` in the session module.', file: 'src/session.ts', test: 'session' },
] as const;

/** A coding agent: reads and edits files, runs the tests (gpt-4.1). */
export const codingAgent: DemoAgent = {
  agent: 'coding-agent',
  model: 'gpt-4.1',
  provider: 'openai',
  failures: ['tool_loop_ping_pong', 'loud_error', 'latency_spike', 'ends_on_tool_call'],
  script(scenario, random) {
    const task = random.pick(TASKS);
    const steps: Step[] = [];
    let tokens = 2400;
    const next = () => (tokens += random.int(800, 2000));
    const passing = random.int(38, 64);

    steps.push(toolTurn(random, [{ name: 'read_file', args: { path: task.file } }], next()));
    steps.push(toolCall(random, 'read_file', { path: task.file }, 25, { path: task.file, lines: random.int(80, 400), content: 'export function …' }));
    steps.push(toolTurn(random, [{ name: 'edit_file', args: { path: task.file, patch: '@@ -41,7 +41,7 @@' } }], next()));
    steps.push(toolCall(random, 'edit_file', { path: task.file, patch: '@@ -41,7 +41,7 @@' }, 60, { ok: true }));
    if (scenario === 'ends_on_tool_call') return { input: task.ask, steps };

    steps.push(toolTurn(random, [{ name: 'run_tests', args: { pattern: task.test } }], next()));
    if (scenario === 'loud_error') {
      steps.push(failedToolCall(random, 'run_tests', { pattern: task.test }, 800, 'test runner crashed: spawn vitest ENOMEM'));
      return { input: task.ask, steps, error: 'test runner crashed: spawn vitest ENOMEM' };
    }
    if (scenario === 'tool_loop_ping_pong') {
      const failing = { passed: passing - 1, failed: 1, failures: [`${task.test}.test.ts > handles the last page: expected 10, got 9`] };
      for (let i = 0; i < 4; i++) {
        if (i > 0) steps.push(toolTurn(random, [{ name: 'run_tests', args: { pattern: task.test } }], next()));
        steps.push(toolCall(random, 'run_tests', { pattern: task.test }, 3500, failing));
        steps.push(toolTurn(random, [{ name: 'read_file', args: { path: task.file } }], next()));
        steps.push(toolCall(random, 'read_file', { path: task.file }, 25, { path: task.file, lines: 120, content: 'export function …' }));
      }
      const text = 'I was not able to make the last test pass; the failure persists after several attempts.';
      steps.push(answerTurn(random, text, next()));
      return { input: task.ask, steps, output: text };
    }
    steps.push(toolCall(random, 'run_tests', { pattern: task.test }, 3500, { passed: passing, failed: 0 }));
    if (scenario === 'latency_spike') (steps[steps.length - 1] as { durationMs: number }).durationMs = random.durationMs(42000, 0.1);
    const text = `Done: updated ${task.file} and all ${passing} tests in "${task.test}" pass.`;
    steps.push(answerTurn(random, text, next()));
    return { input: task.ask, steps, output: text };
  },
};
