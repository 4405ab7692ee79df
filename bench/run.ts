/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order and prints its figures.
 * Each bench file default-exports `async function (options: { quick: boolean }): Promise<void>`
 * that prints its own results. `npm run bench -- --quick` runs smaller workloads;
 * `npm run bench -- ingest` runs only benches whose file name contains "ingest".
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((arg) => !arg.startsWith('--'));

const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

for (const file of files) {
  console.log(`\n=== ${file.replace('.bench.ts', '')} ${quick ? '(quick)' : ''}`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as {
    default: (options: { quick: boolean }) => Promise<void>;
  };
  await module.default({ quick });
}
