import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientTestService, type ClientTestService } from './support/client-test-service.js';

/**
 * `tracehound/instrument` the way a user's plain-Node agent gets it: built by the package's
 * `prepare` script to dist/instrument, imported by package name from a project whose
 * node_modules/tracehound is this repository, run by plain `node` (no tsx), with no explicit
 * shutdown: the exit hooks must flush.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
let service: ClientTestService;
let project: string;

const AGENT = `
import { startTracing, traceAgentRun, traceToolCall } from 'tracehound/instrument';
startTracing({ serviceName: 'plain-node-agent', endpoint: process.argv[2] });
const answer = await traceAgentRun(process.argv[3], async () => {
  const weather = await traceToolCall('weather', { city: 'Paris' }, async () => ({ temperatureC: 22 }));
  return 'It is ' + weather.temperatureC + ' degrees in Paris.';
});
console.log(answer);
if (process.argv[4] === 'wait') { console.log('ready'); setInterval(() => {}, 1000); }
`;

const CONSUMER_TS = `
import { startTracing, traceLlmCall, type StartTracingOptions, type LlmResponse } from 'tracehound/instrument';
const options: StartTracingOptions = { serviceName: 'typed-agent', captureContent: false };
const tracing = startTracing(options);
const response: LlmResponse = { inputTokens: 1, finishReasons: ['stop'] };
const text: Promise<string> = traceLlmCall({ model: 'gpt-4o-mini', response: () => response }, () => 'hi');
void text.then(() => tracing.shutdown());
`;

/** Whether dist/instrument is missing or older than a source file (npm ci builds it; edits do not). */
function distIsStale(): boolean {
  const built = join(ROOT, 'dist', 'instrument', 'index.js');
  if (!existsSync(built)) return true;
  const builtMs = statSync(built).mtimeMs;
  const sources = readdirSync(join(ROOT, 'instrument')).filter((name) => (name.endsWith('.ts') && !name.endsWith('.test.ts')) || name.endsWith('.json'));
  return sources.some((name) => statSync(join(ROOT, 'instrument', name)).mtimeMs > builtMs);
}

beforeAll(async () => {
  service = await startClientTestService();
  if (distIsStale()) await run(process.execPath, [join(ROOT, 'instrument', 'build.mjs')], { cwd: ROOT });
  project = mkdtempSync(join(tmpdir(), 'tracehound-user-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'tracehound'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-agent', type: 'module', private: true }));
  writeFileSync(join(project, 'agent.mjs'), AGENT);
  writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }),
  );
});
afterAll(async () => {
  await service.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('tracehound/instrument as a package', () => {
  it('runs under plain node and flushes on beforeExit without an explicit shutdown', async () => {
    const { stdout } = await run(process.execPath, ['agent.mjs', service.url, 'plain-exit'], { cwd: project });
    expect(stdout.trim()).toBe('It is 22 degrees in Paris.');
    const detail = await service.runNamed('invoke_agent plain-exit');
    expect(detail.run).toMatchObject({ service: 'plain-node-agent', agent: 'plain-exit', spanCount: 2, toolCallCount: 1 });
  });

  it('flushes on SIGTERM and still ends the process by the signal', async () => {
    const child = spawn(process.execPath, ['agent.mjs', service.url, 'plain-sigterm', 'wait'], { cwd: project });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      });
      child.once('exit', () => reject(new Error(`agent exited early: ${output}`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    const detail = await service.runNamed('invoke_agent plain-sigterm');
    expect(detail.run.toolCallCount).toBe(1);
  });

  it('type-checks for a TypeScript consumer through the exports types', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });
});
