import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { openConfiguredStorage } from '../open-storage.js';
import { UsageError } from '../usage-error.js';

export const backupHelp = `tracehound backup --out F [--db F] [--config F] [--force]

Writes a consistent copy of the database to F, safely while "tracehound serve" is running
(SQLite's online backup API: one snapshot of everything committed). The copy is checked with
quick_check before it replaces F. Restore: stop the server and copy F over the database file.
  --out F     where the copy goes (required; refuses to overwrite without --force)
  --db F      database to copy (default: storage.path of the configuration, ./data/tracehound.db)
  --config F  configuration file (default ./otel-config.yaml)
  --force     overwrite F if it exists`;

/** `tracehound backup`: prints one line with what was copied. */
export async function backupCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      db: { type: 'string' },
      config: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.out === undefined || values.out === '') throw new UsageError('backup: --out F is required (where the copy goes)');
  const config = loadConfig({ configPath: values.config, overrides: { 'storage.path': values.db } });
  const source = config.storage.path;
  const out = values.out;
  const sqlite = config.storage.backend === 'sqlite';
  if (sqlite && !existsSync(source)) throw new UsageError(`backup: database ${source} does not exist`);
  if (sqlite && resolve(out) === resolve(source)) throw new UsageError('backup: --out must differ from the database itself');
  if (!existsSync(dirname(resolve(out)))) throw new UsageError(`backup: folder ${dirname(out)} does not exist`);
  if (existsSync(out) && !values.force) throw new UsageError(`backup: ${out} exists; pass --force to overwrite it`);
  const startedMs = performance.now();
  const storage = await openConfiguredStorage(config, { readonly: true });
  try {
    const result = await storage.maintenance.backup(out);
    const mib = (result.bytes / 1024 / 1024).toFixed(1);
    console.log(`backed up ${source} to ${out}: ${result.pages} pages, ${mib} MiB, quick_check ${result.check}, ${Math.round(performance.now() - startedMs)} ms`);
  } finally {
    await storage.close();
  }
}
