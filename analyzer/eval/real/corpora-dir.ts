import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the public corpora are read from at run time (they are never copied into the project):
 * `$TRACEHOUND_CORPORA` when set, else `../shared/corpora` beside the repository (a git worktree
 * one level deeper finds it at `../../shared/corpora`). Throws, naming the paths tried, when
 * none exists.
 */
export function corporaDir(): string {
  const override = process.env.TRACEHOUND_CORPORA;
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`TRACEHOUND_CORPORA=${override} does not exist`);
    return resolve(override);
  }
  const repo = resolve(import.meta.dirname, '..', '..', '..');
  const tried = [join(repo, '..', 'shared', 'corpora'), join(repo, '..', '..', 'shared', 'corpora')];
  for (const dir of tried) if (existsSync(join(dir, 'README.md'))) return resolve(dir);
  throw new Error(`the real-agent corpora were not found (tried ${tried.join(', ')}); set TRACEHOUND_CORPORA`);
}
