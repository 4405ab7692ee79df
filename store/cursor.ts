import { InvalidCursorError } from './api.js';
/**
 * Opaque pagination cursors: a tuple of strings, base64url-encoded JSON. Decoding rejects
 * anything this module did not make with a RangeError, which the API turns into a 400.
 */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity = 2): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parts) || parts.length !== arity || !parts.every((part) => typeof part === 'string')) {
    throw new InvalidCursorError();
  }
  return parts as string[];
}

/**
 * A cursor position that must be an exact integer (epoch ns, ms, a row id): decimal digits with
 * an optional minus sign, at most 20 digits. Anything else (`1e5`, `12.5`, ``) is a cursor this
 * server did not issue: InvalidCursorError naming the value, never a SyntaxError from BigInt.
 */
export function cursorInteger(text: string): bigint {
  if (!/^-?\d{1,20}$/.test(text)) throw new InvalidCursorError(`cursor is not one this server issued: its position ${JSON.stringify(text.slice(0, 40))} is not an integer`);
  return BigInt(text);
}
