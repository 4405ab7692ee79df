import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Every stdout/stderr line so far. */
  output: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident set size of the process so far, in bytes (Linux VmHWM). */
  peakRssBytes(): number;
}

/**
 * Spawns the real `node bin/tracehound.js serve --port 0 …` in `cwd` and resolves once its
 * "tracehound listening" log line names the URL; rejects after `startTimeoutMs` (default 30 s:
 * tsx compiles the sources on start, which a loaded machine slows down).
 */
export function spawnServe(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, options: { startTimeoutMs?: number } = {}): Promise<ServeProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const child = spawn(process.execPath, [join(ROOT, 'bin/tracehound.js'), 'serve', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, TRACEHOUND_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in ${startTimeoutMs / 1000} s:\n${output.join('\n')}`));
    }, startTimeoutMs);
    exited.then(({ code }) => reject(new Error(`serve exited with ${code} before listening:\n${output.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('tracehound listening')) return;
      clearTimeout(timer);
      const url = (JSON.parse(line) as { url: string }).url;
      resolve({
        child,
        url,
        output,
        exited,
        peakRssBytes: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        },
      });
    });
  });
}
