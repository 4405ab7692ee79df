import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports run one way (DESIGN.md): model and ops import nothing of ours but each other's
 * leaves; config imports model and the components' own `*-config.ts` sections; store imports model and ops; the feature folders import store, model and ops, never
 * each other (security is a cross-cutting feature of the same rank); only entry points (cli, bench, demo, scripts, test) import everything.
 */
const ROOT = join(import.meta.dirname, '..');
const ALLOWED: Record<string, string[]> = {
  model: ['model'],
  ops: ['ops'],
  config: ['config', 'model'],
  store: ['store', 'model', 'ops'],
  collector: ['collector', 'store', 'model', 'ops', 'config'],
  analyzer: ['analyzer', 'store', 'model', 'ops', 'config'],
  ui: ['ui', 'store', 'model', 'ops', 'config'],
  reports: ['reports', 'store', 'model', 'ops', 'config'],
  security: ['security', 'store', 'model', 'ops', 'config'],
  instrument: ['instrument'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('import direction', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only ${allowed.join(', ')}`, () => {
      const dir = join(ROOT, folder);
      let files: string[] = [];
      try {
        files = sourceFiles(dir);
      } catch {
        return; // folder not created yet
      }
      const violations: string[] = [];
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = relative(ROOT, join(file, '..', match[1]!));
          const top = target.split(sep)[0]!;
          // config/ only composes: it may import each component's own `*-config.ts` section.
          if (folder === 'config' && /-config\.js$/.test(target)) continue;
          if (!allowed.includes(top)) violations.push(`${relative(ROOT, file)} imports ${match[1]}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('imports better-sqlite3 only under store/sqlite/', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(ROOT)) {
      const path = relative(ROOT, file);
      if (path.startsWith(`store${sep}sqlite${sep}`)) continue;
      if (/(?:from|import)\s*\(?\s*['"]better-sqlite3['"]/.test(readFileSync(file, 'utf8'))) violations.push(path);
    }
    expect(violations).toEqual([]);
  });

  /**
   * Features take storage as the interfaces of store/api.ts (from a composition root), never a
   * backend: of store/ they import api.ts only. The one composition root inside a feature folder
   * is the eval's entry point, which package.json names (`npm run eval`): it chooses the backend
   * the evaluation runs on.
   */
  const FEATURE_COMPOSITION_ROOTS = [join('analyzer', 'eval', 'run.ts')];
  it('lets features import only store/api.ts of the store', () => {
    const violations: string[] = [];
    for (const folder of ['collector', 'analyzer', 'ui', 'reports', 'security']) {
      let files: string[] = [];
      try {
        files = sourceFiles(join(ROOT, folder));
      } catch {
        continue;
      }
      for (const file of files) {
        const path = relative(ROOT, file);
        if (FEATURE_COMPOSITION_ROOTS.includes(path)) continue;
        for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = relative(ROOT, join(file, '..', match[1]!));
          if (target.split(sep)[0] === 'store' && target !== join('store', 'api.js')) violations.push(`${path} imports ${match[1]}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
