import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCommand } from '../../cli/commands/demo.js';
import { UsageError } from '../../cli/usage-error.js';
import { startClientTestService, type ClientTestService } from './support/client-test-service.js';

/** `npx tracehound demo` as a user runs it: the real command line against a real tracehound. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tracehound.js');
let service: ClientTestService;

function tracehound(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  service = await startClientTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('tracehound demo (command line)', () => {
  it('sends the runs, says what should be flagged and where to look', async () => {
    const sent = await tracehound(['demo', '--endpoint', service.url, '--runs', '30']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/Sent (\d+) of \1 spans \(30 runs:/);
    expect(sent.stdout).toContain(`Open ${service.url}/`);
    expect(await service.runs()).toHaveLength(30);
  });

  it('refuses a dead endpoint with a message and no stack trace (exit 1)', async () => {
    const port = await closedPort();
    const error: Error = await demoCommand(['--endpoint', `http://127.0.0.1:${port}`]).then(
      () => new Error('resolved'),
      (reason: Error) => reason,
    );
    expect(error.message).toContain(`nothing answered at http://127.0.0.1:${port}/v1/traces (ECONNREFUSED)`);
    expect(error.message).toContain('Start tracehound first');
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.stack).toBe(error.message); // main prints the stack: here, just the message
  });

  it('rejects bad flags as usage errors (exit 2) before sending anything', async () => {
    await expect(demoCommand(['--runs', 'many'])).rejects.toThrow(new UsageError('--runs: expected a whole number from 1 to 100000, got "many"'));
    await expect(demoCommand(['--endpoint', 'localhost:4318'])).rejects.toThrow(UsageError);
    await expect(demoCommand(['--days', '0'])).rejects.toThrow(UsageError);
  });
});
