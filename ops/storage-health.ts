import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The last attempt to commit ingested spans. */
export interface CommitOutcome {
  ok: boolean;
  atMs: number;
  /** The error's message when it failed. */
  error: string | null;
}

export interface StorageHealthReport {
  /** True when spans can be stored: the last commit (if any) succeeded and free space is above the floor. */
  ok: boolean;
  /** Why not, one line each (empty when ok). */
  problems: string[];
  /** Bytes free to an unprivileged writer on the database's file system; null for :memory: or when unknown. */
  freeBytes: number | null;
  lastCommit: CommitOutcome | null;
}

/** How often free space is measured at most (statfs is cheap, but /healthz may be polled hard). */
const FREE_SPACE_TTL_MS = 1000;

/**
 * Whether spans can be stored right now, for /healthz: the outcome of the last commit attempt
 * (a failed one — disk full, I/O error — keeps health at 503 until a commit succeeds again)
 * and the free space on the database's file system against `minFreeBytes`.
 */
export class StorageHealth {
  private last: CommitOutcome | null = null;
  private free: { bytes: number | null; atMs: number } | null = null;

  constructor(
    private readonly options: { path: string; minFreeBytes: number; now?: () => number },
  ) {}

  /** Records one commit attempt: `error` null when the spans were stored. */
  recordCommit(error: unknown): void {
    this.last = { ok: error === null, atMs: this.now(), error: error === null ? null : error instanceof Error ? error.message : String(error) };
  }

  report(): StorageHealthReport {
    const problems: string[] = [];
    if (this.last !== null && !this.last.ok) problems.push(`the last commit failed: ${this.last.error ?? 'unknown error'}`);
    const freeBytes = this.freeBytes();
    if (freeBytes !== null && freeBytes < this.options.minFreeBytes) {
      problems.push(`only ${freeBytes} bytes free for the database (storage.minFreeBytes = ${this.options.minFreeBytes})`);
    }
    return { ok: problems.length === 0, problems, freeBytes, lastCommit: this.last };
  }

  private freeBytes(): number | null {
    if (this.options.path === ':memory:') return null;
    const nowMs = this.now();
    if (this.free !== null && nowMs - this.free.atMs < FREE_SPACE_TTL_MS) return this.free.bytes;
    let bytes: number | null;
    try {
      const stats = statfsSync(dirname(resolve(this.options.path)));
      bytes = Number(stats.bavail) * Number(stats.bsize);
    } catch {
      bytes = null;
    }
    this.free = { bytes, atMs: nowMs };
    return bytes;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
