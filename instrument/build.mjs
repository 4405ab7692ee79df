// Compiles instrument/ (only) to dist/instrument, so that a plain-Node agent can
// `import ... from 'tracehound/instrument'` without tsx. Run by npm's `prepare` script (after
// `npm ci`/`npm install` in a clone, and before `npm pack`/`npm publish`). Takes about 3 s.
// Without TypeScript installed (`npm ci --omit=dev`) it skips with a note instead of failing
// the install: tracehound itself runs from its TypeScript sources and does not need dist/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.warn('tracehound: TypeScript is not installed; skipped building dist/instrument');
  process.exit(0);
}
const project = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url));
const result = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
process.exit(result.status ?? 1);
