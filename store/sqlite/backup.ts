import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Db } from './database.js';

export interface BackupResult {
  /** Pages in the copy. */
  pages: number;
  /** Bytes of the copy on disk. */
  bytes: number;
  /** `quick_check` of the copy: 'ok' (anything else throws). */
  check: string;
}

/**
 * A consistent copy of the open database at `outPath`, made with SQLite's online backup API
 * while other connections (a running `tracehound serve`) keep writing: the copy is one
 * snapshot of committed data. It is written to `outPath + '.partial'`, checked with
 * `quick_check`, and renamed into place, so `outPath` never holds a half-written copy.
 * The pages are copied in one step after the first, so a busy writer in another process cannot
 * make the backup restart forever (in WAL mode that step blocks no writer).
 */
export async function backupDatabase(db: Db, outPath: string): Promise<BackupResult> {
  const partial = `${outPath}.partial`;
  rmSync(partial, { force: true });
  try {
    await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial, { fileMustExist: true });
    let check: string;
    let pages: number;
    try {
      check = String(copy.pragma('quick_check(1)', { simple: true }));
      pages = copy.pragma('page_count', { simple: true }) as number;
      copy.pragma('journal_mode = DELETE'); // a self-contained single file
    } finally {
      copy.close();
    }
    if (check !== 'ok') throw new Error(`the copy failed quick_check: ${check}`);
    renameSync(partial, outPath);
    return { pages, bytes: statSync(outPath).size, check };
  } finally {
    if (existsSync(partial)) rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
  }
}
