/**
 * Values spelled as ClickHouse SQL literals. ClickHouse 18.16 has no query parameters (`param_*`
 * settings are refused), so every value that reaches SQL text goes through one of these; nothing
 * else builds SQL from data. The same spelling parses on 18.16 and on current ClickHouse.
 */

/**
 * A string literal: single-quoted, with backslash, quote and control characters escaped (ClickHouse
 * reads C-style escapes inside '…'). Lone UTF-16 surrogates become U+FFFD, as the UTF-8 request
 * body would carry them anyway; every other character is kept as it is.
 */
export function sqlString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const ch = value[i]!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + value[i + 1]!;
        i++;
      } else out += '\uFFFD';
    } else if (code >= 0xdc00 && code <= 0xdfff) out += '\uFFFD';
    else out += ch;
  }
  return out + "'";
}

/** A string literal or NULL. */
export function sqlNullableString(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : sqlString(value);
}

/** An integer literal; throws `RangeError` for anything that is not a safe integer or a bigint. */
export function sqlInt(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}

/** A finite floating-point literal; throws `RangeError` for NaN and ±Infinity. */
export function sqlFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** `(a, b, c)` of string literals, for `IN`; `('')`-free: an empty list is `(NULL)`, which matches nothing. */
export function sqlStringList(values: readonly string[]): string {
  return values.length === 0 ? '(NULL)' : `(${values.map(sqlString).join(', ')})`;
}

/**
 * A database, cluster or table name from configuration, back-quoted. Only letters, digits and
 * underscores are taken (what a user types for these); anything else throws `RangeError` at start-up.
 */
export function sqlIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new RangeError(`not a plain identifier: ${JSON.stringify(name)}`);
  return '`' + name + '`';
}
