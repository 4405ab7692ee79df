import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * SQLite `synchronous` in WAL mode. `full` fsyncs every commit (an acknowledged span survives
   * power loss); `normal` survives a crash of the process but not of the machine.
   */
  synchronous?: 'full' | 'normal';
  /** Page cache size in MiB. */
  cacheSizeMb?: number;
  /** Open read-only (reports and reads from a second process); migrations are not applied. */
  readonly?: boolean;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/**
 * Opens (creating when missing) the SQLite database at `path` — `:memory:` works too — in WAL
 * mode, checks its integrity quickly, and applies every numbered migration newer than
 * `PRAGMA user_version`, each in its own transaction. Migrations are forward-only files named
 * `NNNN_description.sql` in store/migrations.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false });
  try {
    db.pragma('schema_version'); // reads the header: a file that is not SQLite fails here
  } catch (error) {
    db.close();
    throw new DatabaseDamagedError(path, (error as Error).message);
  }
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    // Takes effect only in a new, empty file (before 0001 creates tables): retention then returns
    // freed pages to the file system with incremental_vacuum. Existing files keep their setting.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  }
  db.pragma('foreign_keys = OFF');
  db.pragma(`cache_size = ${-1024 * (options.cacheSizeMb ?? 64)}`);
  db.pragma('temp_store = MEMORY');
  if (!options.readonly) {
    assertIntact(db, path);
    applyMigrations(db);
  }
  return db;
}

/** Refuses to serve from a damaged file: `quick_check` reads every page's structure. */
function assertIntact(db: Db, path: string): void {
  const rows = db.pragma('quick_check(1)') as { quick_check: string }[];
  const verdict = rows[0]?.quick_check ?? 'ok';
  if (verdict !== 'ok') {
    db.close();
    throw new DatabaseDamagedError(path, `integrity check failed: ${verdict.replace(/\s+/g, " ")}`);
  }
}

/** The database file is not SQLite or is corrupt; start-up prints this one line and exits 1. */
export class DatabaseDamagedError extends Error {
  override readonly name = 'DatabaseDamagedError';
  constructor(path: string, detail: string) {
    super(`database ${path} is damaged (${detail}); restore a copy made with "tracehound backup", or move the file aside to start empty`);
  }
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{4}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: readFileSync(join(MIGRATIONS_DIR, file), 'utf8'),
    }));
}

function applyMigrations(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of listMigrations()) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
