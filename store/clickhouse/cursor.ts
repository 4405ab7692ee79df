import { InvalidCursorError } from '../api.js';

/** An opaque cursor: the keyset position's values, base64url JSON. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The values of a cursor this backend issued with `count` values; InvalidCursorError otherwise. */
export function decodeCursor(cursor: string, count: number): string[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === count && values.every((v) => typeof v === 'string')) return values as string[];
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Epoch ms → epoch ns as an exact integer literal value. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}
