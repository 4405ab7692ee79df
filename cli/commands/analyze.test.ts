import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/sqlite/database.js';
import { createSpanWriter } from '../../store/span-writer.js';
import { hexId, makeSpan } from '../../test/support/normalized-spans.js';
import { analyzeCommand } from './analyze.js';

/** What `work` printed with console.log. */
async function capture(work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    await work();
  } finally {
    console.log = original;
  }
  return lines.join('\n');
}

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tracehound.js');

describe('tracehound analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-analyze-'));
  const path = join(dir, 'db.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('analyses pending traces, then everything again with --all, and prints a summary', async () => {
    const db = openDatabase(path);
    const traceId = hexId(16);
    const root = makeSpan({ traceId, kind: 'agent', name: 'invoke_agent a', agent: 'a', durationMs: 5000 });
    const calls = Array.from({ length: 4 }, (_, i) =>
      makeSpan({ traceId, parentSpanId: root.spanId, kind: 'tool', name: 'execute_tool search', operation: 'tool:search', startMs: 1_700_000_000_000 + i * 1000, tool: { name: 'search', arguments: '{"q":"x"}', result: '[]' } }),
    );
    createSpanWriter(db)([root, ...calls], Date.now());
    db.close();
    const first = await capture(() => analyzeCommand(['--db', path]));
    expect(first).toMatch(/analysed 1 trace\(s\), 5 span\(s\)/);
    expect(first).toMatch(/tool_loop 1/);
    expect(await capture(() => analyzeCommand(['--db', path]))).toMatch(/analysed 0 trace\(s\)/);
    const all = await capture(() => analyzeCommand(['--db', path, '--all']));
    expect(all).toMatch(/analysed 1 trace\(s\)/);
    expect(all).toMatch(/new flags 0/);
  });

  it('exits 2 with one line on a bad flag', async () => {
    const failure = await run(process.execPath, [BIN, 'analyze', '--bogus']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });
});
