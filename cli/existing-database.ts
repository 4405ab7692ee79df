import { existsSync } from 'node:fs';
import { UsageError } from './usage-error.js';

/**
 * Commands that only read or analyse stored traces (analyze, report) refuse a database file that
 * does not exist rather than create an empty one: a mistyped --db would otherwise "work" and
 * report nothing. Throws UsageError (exit 2) naming the path and where it came from.
 */
export function requireExistingDatabase(path: string, fromFlag: boolean): void {
  if (path === ':memory:' || existsSync(path)) return;
  throw new UsageError(
    `${fromFlag ? '--db ' : ''}${path}: no such database file (tracehound serve creates it; check the path${fromFlag ? '' : ', --db or TRACEHOUND_DB'})`,
  );
}
