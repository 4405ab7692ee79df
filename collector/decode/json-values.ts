import type { AttributeValue, Attributes, OtlpScope } from '../../model/otlp.js';
import { OtlpDecodeError, type SignalIssue } from './decode-error.js';
import { setAttribute } from './set-attribute.js';

/**
 * The OTLP/JSON reading every signal shares (OTLP.md §1.3): typed field access that names the
 * failing field, int64 precision, AnyValue/KeyValue, Resource and InstrumentationScope. The
 * trace and logs decoders build on it; nothing here knows a signal.
 */

/**
 * Parses OTLP/JSON text; int64 keys of 16+ digits are quoted first so they stay exact (Node 20's
 * JSON.parse has no source-text access). Invalid JSON is an OtlpDecodeError.
 */
export function parseOtlpJson(text: string): unknown {
  try {
    return JSON.parse(quoteLargeInt64Numbers(text));
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
}

/** Runs a signal decoder's `decode`; a FieldError becomes an OtlpDecodeError naming the field path. */
export function decodingFields<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof FieldError) throw new OtlpDecodeError(`${error.path.join('')}: ${error.message}`.replace(/^\./, ''));
    throw error;
  }
}

/**
 * Quotes 16-digit-or-longer integers that are the value of an int64 key, so JSON.parse keeps
 * them exact. Shorter integers are exact as doubles and are left alone. Only unescaped keys
 * match, so text inside string values (where quotes are escaped) is never touched.
 */
const LARGE_INT64 =
  /("(?:startTimeUnixNano|endTimeUnixNano|timeUnixNano|observedTimeUnixNano|intValue|start_time_unix_nano|end_time_unix_nano|time_unix_nano|observed_time_unix_nano|int_value)"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

export function quoteLargeInt64Numbers(text: string): string {
  return text.replace(LARGE_INT64, '$1"$2"');
}

/** A wrong-typed field; the path is built on the way out, only when something failed. */
export class FieldError extends Error {
  readonly path: string[];
  constructor(field: string, message: string) {
    super(message);
    this.path = field === '' ? [] : [`.${field}`];
  }
}

/** Runs `decode`; a FieldError thrown inside gets `segment` (built only then) prefixed to its path. */
export function within<T>(segment: string | (() => string), decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof FieldError) error.path.unshift(typeof segment === 'string' ? segment : segment());
    throw error;
  }
}

export function prefixPath(error: unknown, segment: string): unknown {
  if (error instanceof FieldError) error.path.unshift(segment);
  return error;
}

export type JsonObject = Record<string, unknown>;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const UNSIGNED_DECIMAL = /^\d+$/;
const SIGNED_DECIMAL = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The value of `camel` (or its snake_case spelling); null and undefined mean absent. */
export function field(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  if (value !== undefined && value !== null) return value;
  const alternative = object[snake];
  return alternative === null ? undefined : alternative;
}

export function asObject(value: unknown, name: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(name, `expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

export function asArray(value: unknown, name: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldError(name, `expected an array, got ${describe(value)}`);
  return value;
}

export function asString(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new FieldError(name, `expected a string, got ${describe(value)}`);
  return value;
}

export function asHexId(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || !HEX.test(value)) throw new FieldError(name, `expected a hex id string, got ${describe(value)}`);
  return value.toLowerCase();
}

export function asUint64(value: unknown, name: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed <= MAX_UINT64) return parsed;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 18446744073709551615) {
    return BigInt(value);
  }
  throw new FieldError(name, `expected an unsigned 64-bit integer (decimal string or number), got ${describe(value)}`);
}

export function asUint32(value: unknown, name: string): number {
  if (value === undefined) return 0;
  const number = typeof value === 'string' && UNSIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 0xffffffff) return number;
  throw new FieldError(name, `expected an unsigned 32-bit integer, got ${describe(value)}`);
}

export function asEnum(value: unknown, name: string, names: Record<string, number>, max: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value >= 0 && value <= max ? value : 0;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
  throw new FieldError(name, `expected an enum number (or one of ${Object.keys(names).join(', ')}), got ${describe(value)}`);
}

/**
 * AnyValue/KeyValue, Resource and InstrumentationScope decoding over parsed JSON. Nesting deeper
 * than `maxDepth` inside an item (`currentItem`: a span, a log record) marks the item in
 * `issues` (it is rejected later); in a resource or scope it refuses the request.
 */
export class JsonValueDecoder<Item extends object> {
  readonly issues = new Map<Item, SignalIssue>();
  protected currentItem: Item | null = null;

  constructor(
    protected readonly maxDepth: number,
    /** DecodeLimits.maxAttributeCount: attributes built per top-level list; the rest are not looked at. */
    protected readonly maxAttributes = Infinity,
  ) {}

  /** `{ attributes: KeyValue[] }` of a Resource (undefined: no resource). */
  resource(value: unknown): Attributes {
    if (value === undefined) return {};
    return within('.resource', () => this.attributes(field(asObject(value, ''), 'attributes', 'attributes'), 0));
  }

  scope(value: unknown): OtlpScope {
    if (value === undefined) return { name: '', version: '' };
    const scopeObject = asObject(value, 'scope');
    return within('.scope', () => ({
      name: asString(field(scopeObject, 'name', 'name'), 'name'),
      version: asString(field(scopeObject, 'version', 'version'), 'version'),
    }));
  }

  /** A `KeyValue[]` at nesting `depth` into an object. */
  attributes(value: unknown, depth: number): Attributes {
    const list = asArray(value, 'attributes');
    const out: Attributes = {};
    let length = list.length;
    if (depth === 0 && length > this.maxAttributes) {
      // Past the limit nothing is built (issue 15 F11); an item is rejected, a resource keeps the first ones.
      length = this.maxAttributes;
      if (this.currentItem !== null && !this.issues.has(this.currentItem)) {
        this.issues.set(this.currentItem, { reason: 'too_many_attributes', message: `more than ${this.maxAttributes} attributes (collector.maxAttributeCount)` });
      }
    }
    for (let i = 0; i < length; i++) {
      const item = list[i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw within(`.attributes[${i}]`, () => asObject(item, '')) as never;
      }
      const kv = item as JsonObject;
      const key = kv.key;
      if (typeof key !== 'string') throw new FieldError(`attributes[${i}].key`, `expected a string, got ${describe(key)}`);
      const anyValue = kv.value;
      let decoded: AttributeValue = null;
      if (anyValue !== undefined && anyValue !== null) {
        try {
          decoded = this.anyValue(anyValue, depth);
        } catch (error) {
          throw prefixPath(error, `.attributes[${i}].value`);
        }
      }
      setAttribute(out, key, decoded);
    }
    return out;
  }

  protected anyValue(value: unknown, depth: number): AttributeValue {
    const o = asObject(value, '');
    let v: unknown;
    if ((v = field(o, 'stringValue', 'string_value')) !== undefined) return asString(v, 'stringValue');
    if ((v = field(o, 'boolValue', 'bool_value')) !== undefined) {
      if (typeof v !== 'boolean') throw new FieldError('boolValue', `expected true or false, got ${describe(v)}`);
      return v;
    }
    if ((v = field(o, 'intValue', 'int_value')) !== undefined) return asInt64(v);
    if ((v = field(o, 'doubleValue', 'double_value')) !== undefined) return asDouble(v);
    if ((v = field(o, 'arrayValue', 'array_value')) !== undefined) {
      const array = asObject(v, 'arrayValue');
      if (this.tooDeep(depth + 1)) return null;
      const list = asArray(field(array, 'values', 'values'), 'arrayValue.values');
      const out: AttributeValue[] = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        try {
          out[i] = item === null ? null : this.anyValue(item, depth + 1);
        } catch (error) {
          throw prefixPath(error, `.arrayValue.values[${i}]`);
        }
      }
      return out;
    }
    if ((v = field(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
      const kvlist = asObject(v, 'kvlistValue');
      if (this.tooDeep(depth + 1)) return null;
      return within('.kvlistValue', () => this.attributes(field(kvlist, 'values', 'values'), depth + 1));
    }
    if ((v = field(o, 'bytesValue', 'bytes_value')) !== undefined) {
      if (typeof v !== 'string' || !BASE64.test(v)) throw new FieldError('bytesValue', `expected a base64 string, got ${describe(v)}`);
      return Buffer.from(v, 'base64').toString('base64');
    }
    return null;
  }

  protected tooDeep(depth: number): boolean {
    if (depth <= this.maxDepth) return false;
    const message = `an attribute value is nested more than ${this.maxDepth} levels deep (collector.maxNestingDepth)`;
    if (this.currentItem === null) throw new FieldError('', `resource or scope ${message}`);
    this.issues.set(this.currentItem, { reason: 'nesting_too_deep', message });
    return true;
  }
}

export function asInt64(value: unknown): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (Number.isSafeInteger(value)) return value;
    if (value >= -9223372036854775808 && value <= 9223372036854775807) return BigInt(value).toString();
  } else if (typeof value === 'string' && SIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed >= MIN_INT64 && parsed <= MAX_INT64) {
      return parsed >= BigInt(Number.MIN_SAFE_INTEGER) && parsed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parsed) : parsed.toString();
    }
  }
  throw new FieldError('intValue', `expected a signed 64-bit integer (decimal string or number), got ${describe(value)}`);
}

function asDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  }
  throw new FieldError('doubleValue', `expected a number, got ${describe(value)}`);
}
