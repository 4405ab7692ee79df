import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigInput } from '../../../config/schema.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A tracehound in its own process (so its memory can be measured alone), on port 0. */
export interface ServiceProcess {
  url: string;
  port: number;
  pid: number;
  dbPath: string;
  /** Resident memory now, in bytes (/proc/PID/status VmRSS). */
  rssBytes(): number;
  /** Peak resident memory since start, in bytes (/proc/PID/status VmHWM). */
  peakRssBytes(): number;
  stop(): Promise<void>;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Starts `serve-child.ts` with `overrides` on top of test defaults and waits for its URL. */
export async function startServiceProcess(overrides: ConfigInput = {}): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-proc-'));
  const dbPath = join(dir, 'test.db');
  const config: ConfigInput = {
    ...overrides,
    server: { host: '127.0.0.1', port: 0, ...overrides.server },
    storage: { path: dbPath, synchronous: 'normal', ...overrides.storage },
    logging: { level: 'silent' },
    analyzer: { enabled: false, ...overrides.analyzer },
    reports: { enabled: false, dir: join(dir, 'reports') },
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(here, 'serve-child.ts'), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /^listening (\S+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
  const pid = child.pid!;
  return {
    url,
    port: Number(new URL(url).port),
    pid,
    dbPath,
    rssBytes: () => statusField(pid, 'VmRSS'),
    peakRssBytes: () => statusField(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
