import type {
  AttributeValue,
  Attributes,
  OtlpEvent,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatusCode,
} from '../../model/otlp.js';
import { OtlpDecodeError, type DecodeLimits, type SpanIssue } from './decode-error.js';
import type { DecodedTraceRequest } from './protobuf-decoder.js';
import { setAttribute } from './set-attribute.js';

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (the proto3 JSON mapping with OTLP's
 * deviations, OTLP.md §1.3) into the same shape as the protobuf decoder.
 *
 * Contracts:
 * - ids are case-insensitive hex strings, lowercased; `""`/missing is empty (validation rejects
 *   the span), non-hex or odd-length text refuses the request (400), as in the Collector.
 * - int64 fields (`*UnixNano`, `intValue`) are accepted as decimal strings or JSON numbers
 *   WITHOUT precision loss: numbers of 16+ digits under those keys are quoted before
 *   `JSON.parse` (Node 20's JSON.parse has no source-text access). A number written with a
 *   fraction or exponent is accepted only if it is an integer, at double precision.
 * - enums as integers; names (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`) are tolerated.
 * - lowerCamelCase keys; snake_case tolerated; unknown keys ignored; `null` means absent.
 * - `bytesValue` is base64 (standard or URL-safe) and is kept as standard base64.
 * - a value of the wrong JSON type refuses the request with a message naming the field, e.g.
 *   `resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected an unsigned 64-bit
 *   integer (decimal string or number), got "soon"`.
 */
export function decodeJsonTraceRequest(text: string, limits: DecodeLimits): DecodedTraceRequest {
  let root: unknown;
  try {
    root = JSON.parse(quoteLargeInt64Numbers(text));
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  const decoder = new JsonTraceDecoder(limits.maxNestingDepth);
  try {
    const resourceSpans = decoder.request(root);
    return { request: { resourceSpans }, spanCount: decoder.spanCount, spanIssues: decoder.spanIssues };
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
  /("(?:startTimeUnixNano|endTimeUnixNano|timeUnixNano|intValue|start_time_unix_nano|end_time_unix_nano|time_unix_nano|int_value)"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

export function quoteLargeInt64Numbers(text: string): string {
  return text.replace(LARGE_INT64, '$1"$2"');
}

/** A wrong-typed field; the path is built on the way out, only when something failed. */
class FieldError extends Error {
  readonly path: string[];
  constructor(field: string, message: string) {
    super(message);
    this.path = field === '' ? [] : [`.${field}`];
  }
}

/** Runs `decode`; a FieldError thrown inside gets `segment` (built only then) prefixed to its path. */
function within<T>(segment: string | (() => string), decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof FieldError) error.path.unshift(typeof segment === 'string' ? segment : segment());
    throw error;
  }
}

function prefixPath(error: unknown, segment: string): unknown {
  if (error instanceof FieldError) error.path.unshift(segment);
  return error;
}

type JsonObject = Record<string, unknown>;

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const UNSIGNED_DECIMAL = /^\d+$/;
const SIGNED_DECIMAL = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The value of `camel` (or its snake_case spelling); null and undefined mean absent. */
function field(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  if (value !== undefined && value !== null) return value;
  const alternative = object[snake];
  return alternative === null ? undefined : alternative;
}

function asObject(value: unknown, name: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(name, `expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

function asArray(value: unknown, name: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldError(name, `expected an array, got ${describe(value)}`);
  return value;
}

function asString(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new FieldError(name, `expected a string, got ${describe(value)}`);
  return value;
}

function asHexId(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || !HEX.test(value)) throw new FieldError(name, `expected a hex id string, got ${describe(value)}`);
  return value.toLowerCase();
}

function asUint64(value: unknown, name: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed <= MAX_UINT64) return parsed;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 18446744073709551615) {
    return BigInt(value);
  }
  throw new FieldError(name, `expected an unsigned 64-bit integer (decimal string or number), got ${describe(value)}`);
}

function asUint32(value: unknown, name: string): number {
  if (value === undefined) return 0;
  const number = typeof value === 'string' && UNSIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 0xffffffff) return number;
  throw new FieldError(name, `expected an unsigned 32-bit integer, got ${describe(value)}`);
}

function asEnum(value: unknown, name: string, names: Record<string, number>, max: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value >= 0 && value <= max ? value : 0;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
  throw new FieldError(name, `expected an enum number (or one of ${Object.keys(names).join(', ')}), got ${describe(value)}`);
}

class JsonTraceDecoder {
  spanCount = 0;
  readonly spanIssues = new Map<OtlpSpan, SpanIssue>();
  private currentSpan: OtlpSpan | null = null;

  constructor(private readonly maxDepth: number) {}

  request(root: unknown): OtlpResourceSpans[] {
    const object = asObject(root, '');
    const list = asArray(field(object, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    const out: OtlpResourceSpans[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = within(`.resourceSpans[${i}]`, () => this.resourceSpans(list[i]));
    return out;
  }

  private resourceSpans(value: unknown): OtlpResourceSpans {
    const object = asObject(value, '');
    const resourceValue = field(object, 'resource', 'resource');
    const resource =
      resourceValue === undefined
        ? {}
        : within('.resource', () => this.attributes(field(asObject(resourceValue, ''), 'attributes', 'attributes'), 0));
    const list = asArray(field(object, 'scopeSpans', 'scope_spans'), 'scopeSpans');
    const scopeSpans: OtlpScopeSpans[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) scopeSpans[i] = within(`.scopeSpans[${i}]`, () => this.scopeSpans(list[i]));
    return { resource, scopeSpans };
  }

  private scopeSpans(value: unknown): OtlpScopeSpans {
    const object = asObject(value, '');
    const scopeValue = field(object, 'scope', 'scope');
    let scope: OtlpScope = { name: '', version: '' };
    if (scopeValue !== undefined) {
      const scopeObject = asObject(scopeValue, 'scope');
      scope = within('.scope', () => ({
        name: asString(field(scopeObject, 'name', 'name'), 'name'),
        version: asString(field(scopeObject, 'version', 'version'), 'version'),
      }));
    }
    const list = asArray(field(object, 'spans', 'spans'), 'spans');
    const spans: OtlpSpan[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      try {
        spans[i] = this.span(list[i]);
      } catch (error) {
        throw prefixPath(error, `.spans[${i}]`);
      }
    }
    return { scope, spans };
  }

  private span(value: unknown): OtlpSpan {
    this.spanCount++;
    const o = asObject(value, '');
    const parent = asHexId(field(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId');
    const statusValue = field(o, 'status', 'status');
    const status = statusValue === undefined ? undefined : asObject(statusValue, 'status');
    const span: OtlpSpan = {
      traceId: asHexId(field(o, 'traceId', 'trace_id'), 'traceId'),
      spanId: asHexId(field(o, 'spanId', 'span_id'), 'spanId'),
      parentSpanId: parent === '' ? null : parent,
      traceState: asString(field(o, 'traceState', 'trace_state'), 'traceState'),
      name: asString(field(o, 'name', 'name'), 'name'),
      kind: asEnum(field(o, 'kind', 'kind'), 'kind', SPAN_KIND_NAMES, 5),
      startTimeUnixNano: asUint64(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
      endTimeUnixNano: asUint64(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
      attributes: {},
      droppedAttributesCount: asUint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      events: [],
      links: [],
      statusCode: status === undefined ? 0 : (asEnum(field(status, 'code', 'code'), 'status.code', STATUS_CODE_NAMES, 2) as OtlpStatusCode),
      statusMessage: status === undefined ? '' : asString(field(status, 'message', 'message'), 'status.message'),
    };
    this.currentSpan = span;
    span.attributes = this.attributes(field(o, 'attributes', 'attributes'), 0);
    const events = asArray(field(o, 'events', 'events'), 'events');
    for (let i = 0; i < events.length; i++) span.events.push(within(() => `.events[${i}]`, () => this.event(events[i])));
    const links = asArray(field(o, 'links', 'links'), 'links');
    for (let i = 0; i < links.length; i++) span.links.push(within(() => `.links[${i}]`, () => this.link(links[i])));
    this.currentSpan = null;
    return span;
  }

  private event(value: unknown): OtlpEvent {
    const o = asObject(value, '');
    return {
      timeUnixNano: asUint64(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      name: asString(field(o, 'name', 'name'), 'name'),
      attributes: this.attributes(field(o, 'attributes', 'attributes'), 0),
    };
  }

  private link(value: unknown): OtlpLink {
    const o = asObject(value, '');
    return {
      traceId: asHexId(field(o, 'traceId', 'trace_id'), 'traceId'),
      spanId: asHexId(field(o, 'spanId', 'span_id'), 'spanId'),
      attributes: this.attributes(field(o, 'attributes', 'attributes'), 0),
    };
  }

  /** A `KeyValue[]` at nesting `depth` into an object. */
  private attributes(value: unknown, depth: number): Attributes {
    const list = asArray(value, 'attributes');
    const out: Attributes = {};
    for (let i = 0; i < list.length; i++) {
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

  private anyValue(value: unknown, depth: number): AttributeValue {
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

  private tooDeep(depth: number): boolean {
    if (depth <= this.maxDepth) return false;
    const message = `an attribute value is nested more than ${this.maxDepth} levels deep (collector.maxNestingDepth)`;
    if (this.currentSpan === null) throw new FieldError('', `resource or scope ${message}`);
    this.spanIssues.set(this.currentSpan, { reason: 'nesting_too_deep', message });
    return true;
  }
}

function asInt64(value: unknown): number | string {
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
