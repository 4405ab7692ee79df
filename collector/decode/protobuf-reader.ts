import type { AttributeValue, Attributes, OtlpScope } from '../../model/otlp.js';
import { OtlpDecodeError, type SignalIssue } from './decode-error.js';
import { setAttribute } from './set-attribute.js';

const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit'];
const MAX_GROUP_DEPTH = 32;

/**
 * The OTLP protobuf reading every signal shares (opentelemetry-proto v1.11 common.v1 and
 * resource.v1): wire primitives, AnyValue/KeyValue, Resource and InstrumentationScope. The
 * trace and logs decoders extend it with their own messages; nothing here knows a signal.
 *
 * Contracts:
 * - AnyValue: string, bool, int64 (number when safe, else exact decimal string), double, array,
 *   kvlist (object), bytes (base64), unset (null). `string_value_strindex` (8) and
 *   `key_strindex` (3) are Profiles-only and treated as absent.
 * - unknown fields are skipped, including groups (wire types 3/4, nested up to 32 deep).
 * - a known field with the wrong wire type, a truncated or overrunning length, a bad varint or
 *   an invalid wire type throws OtlpDecodeError (the whole request is undecodable, as in the
 *   Collector's pdata unmarshaller).
 * - nesting deeper than `maxDepth` is not descended into: inside an item (span, log record:
 *   `currentItem`) the item is marked in `issues` and rejected later; in a resource or scope
 *   the whole request is refused.
 */
export class OtlpProtobufReader<Item extends object> {
  pos = 0;
  readonly issues = new Map<Item, SignalIssue>();
  /** The item whose attributes are being decoded, for attributing nesting problems. */
  protected currentItem: Item | null = null;

  constructor(
    protected readonly buf: Buffer,
    protected readonly maxDepth: number,
    /** DecodeLimits.maxAttributeCount: attributes built per list; the rest are skipped unread. */
    protected readonly maxAttributes = Infinity,
  ) {}

  /**
   * Decodes the `count`-th (0-based) KeyValue of an attribute list into `target`, or skips it
   * unbuilt when the list already holds `maxAttributes` (marking the current item, if any, for
   * rejection). Returns the new count.
   */
  protected attribute(end: number, target: Attributes, count: number): number {
    if (count < this.maxAttributes) {
      this.keyValue(end, target, 0);
      return count + 1;
    }
    this.pos = end;
    if (this.currentItem !== null && !this.issues.has(this.currentItem)) {
      this.issues.set(this.currentItem, { reason: 'too_many_attributes', message: `more than ${this.maxAttributes} attributes (collector.maxAttributeCount)` });
    }
    return count + 1;
  }

  /** A `Resource`'s attributes (entity refs and dropped counts are not part of the model). */
  protected resource(end: number): Attributes {
    const attributes: Attributes = {};
    let count = 0;
    const item = this.currentItem;
    this.currentItem = null; // a resource's extra attributes are dropped, not a reason to reject
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) count = this.attribute(this.lengthEnd(end), attributes, count);
      else this.skipField(tag, end, 'Resource', 1, 2, 2, 0, 3, 2);
    }
    this.currentItem = item;
    return attributes;
  }

  protected scope(end: number): OtlpScope {
    const scope: OtlpScope = { name: '', version: '' };
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) scope.name = this.string(end);
      else if (tag === 0x12) scope.version = this.string(end);
      // attributes (3) are not part of the model: skipped unread, like unknown fields.
      else this.skipField(tag, end, 'InstrumentationScope', 1, 2, 2, 2, 3, 2, 4, 0);
    }
    return scope;
  }

  /** Decodes one KeyValue into `target` (last duplicate key wins). */
  protected keyValue(end: number, target: Attributes, depth: number): void {
    let key = '';
    let value: AttributeValue = null;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) key = this.string(end);
      else if (tag === 0x12) value = this.anyValue(this.lengthEnd(end), depth);
      else this.skipField(tag, end, 'KeyValue', 1, 2, 2, 2, 3, 0);
    }
    setAttribute(target, key, value);
  }

  /** `depth` is the nesting depth of the value being decoded (0 for an attribute's value). */
  protected anyValue(end: number, depth: number): AttributeValue {
    let value: AttributeValue = null;
    while (this.pos < end) {
      const tag = this.varint32(end);
      switch (tag) {
        case 0x0a: // 1 string_value
          value = this.string(end);
          break;
        case 0x10: // 2 bool_value
          value = this.varintBool(end);
          break;
        case 0x18: // 3 int_value
          value = this.int64(end);
          break;
        case 0x21: // 4 double_value
          this.need(8, end);
          value = this.buf.readDoubleLE(this.pos);
          this.pos += 8;
          break;
        case 0x2a: // 5 array_value
          value = this.nested(this.lengthEnd(end), depth + 1, false);
          break;
        case 0x32: // 6 kvlist_value
          value = this.nested(this.lengthEnd(end), depth + 1, true);
          break;
        case 0x3a: {
          // 7 bytes_value
          const bytesEnd = this.lengthEnd(end);
          value = this.buf.toString('base64', this.pos, bytesEnd);
          this.pos = bytesEnd;
          break;
        }
        default:
          // 8 string_value_strindex: Profiles only, treated as absent.
          this.skipField(tag, end, 'AnyValue', 1, 2, 2, 0, 3, 0, 4, 1, 5, 2, 6, 2, 7, 2, 8, 0);
      }
    }
    return value;
  }

  /** An ArrayValue or KeyValueList at nesting depth `depth`. */
  protected nested(end: number, depth: number, isKvList: boolean): AttributeValue {
    if (depth > this.maxDepth) {
      this.pos = end;
      const message = `an attribute value is nested more than ${this.maxDepth} levels deep (collector.maxNestingDepth)`;
      if (this.currentItem === null) throw new OtlpDecodeError(`resource or scope ${message}`);
      this.issues.set(this.currentItem, { reason: 'nesting_too_deep', message });
      return null;
    }
    if (isKvList) {
      const object: Attributes = {};
      while (this.pos < end) {
        const tag = this.varint32(end);
        if (tag === 0x0a) this.keyValue(this.lengthEnd(end), object, depth);
        else this.skipField(tag, end, 'KeyValueList', 1, 2);
      }
      return object;
    }
    const array: AttributeValue[] = [];
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) array.push(this.anyValue(this.lengthEnd(end), depth));
      else this.skipField(tag, end, 'ArrayValue', 1, 2);
    }
    return array;
  }

  // --- primitives -------------------------------------------------------------------------

  protected fail(message: string): never {
    throw new OtlpDecodeError(`invalid protobuf at byte ${this.pos}: ${message}`);
  }

  protected need(bytes: number, end: number): void {
    if (this.pos + bytes > end) this.fail('truncated message (a field runs past the end of its message)');
  }

  /** A varint that must fit in 32 bits unsigned (tags, lengths, enums, counts). */
  protected varint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) this.fail('truncated varint');
      const byte = buf[pos++]!;
      if (shift < 28) result |= (byte & 0x7f) << shift;
      else if (shift === 28) result += (byte & 0x0f) * 268435456;
      if (byte < 0x80) break;
      shift += 7;
      if (shift >= 70) this.fail('varint longer than 10 bytes');
    }
    this.pos = pos;
    return result;
  }

  protected varintBool(end: number): boolean {
    let any = false;
    let count = 0;
    for (;;) {
      if (this.pos >= end) this.fail('truncated varint');
      const byte = this.buf[this.pos++]!;
      if ((byte & 0x7f) !== 0) any = true;
      if (byte < 0x80) return any;
      if (++count >= 10) this.fail('varint longer than 10 bytes');
    }
  }

  /** int64 varint → number when a safe integer, else the exact signed decimal string. */
  protected int64(end: number): number | string {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let value = 0;
    let multiplier = 1;
    for (;;) {
      if (pos >= end) this.fail('truncated varint');
      const byte = buf[pos++]!;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) break;
      multiplier *= 128;
      if (pos - start >= 10) this.fail('varint longer than 10 bytes');
    }
    this.pos = pos;
    if (pos - start <= 7) return value; // < 2^49: exact and non-negative
    let big = 0n;
    for (let i = pos - 1; i >= start; i--) big = (big << 7n) | BigInt(buf[i]! & 0x7f);
    const signed = BigInt.asIntN(64, big);
    return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed.toString();
  }

  protected fixed64(end: number): bigint {
    this.need(8, end);
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix and returns the end offset of the length-delimited payload. */
  protected lengthEnd(end: number): number {
    const length = this.varint32(end);
    const payloadEnd = this.pos + length;
    if (payloadEnd > end) this.fail(`length ${length} runs past the end of its message`);
    return payloadEnd;
  }

  protected string(end: number): string {
    const stringEnd = this.lengthEnd(end);
    const text = this.buf.toString('utf8', this.pos, stringEnd);
    this.pos = stringEnd;
    return text;
  }

  protected hex(end: number): string {
    const bytesEnd = this.lengthEnd(end);
    const text = this.buf.toString('hex', this.pos, bytesEnd);
    this.pos = bytesEnd;
    return text;
  }

  /**
   * Skips a field that this decoder does not keep. `expected` lists (field number, wire type)
   * pairs of the message's known fields: a known field with another wire type is an error.
   */
  protected skipField(tag: number, end: number, message: string, ...expected: number[]): void {
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) this.fail(`field number 0 in ${message}`);
    for (let i = 0; i < expected.length; i += 2) {
      if (expected[i] === field && expected[i + 1] !== wireType) {
        this.fail(
          `${message} field ${field} has wire type ${wireType} (${WIRE_NAMES[wireType] ?? 'invalid'}), expected ${expected[i + 1]} (${WIRE_NAMES[expected[i + 1]!]})`,
        );
      }
    }
    this.skipValue(wireType, field, end, 0);
  }

  protected skipValue(wireType: number, field: number, end: number, groupDepth: number): void {
    switch (wireType) {
      case 0:
        for (let count = 0; ; count++) {
          if (this.pos >= end) this.fail('truncated varint');
          if (count >= 10) this.fail('varint longer than 10 bytes');
          if (this.buf[this.pos++]! < 0x80) return;
        }
      case 1:
        this.need(8, end);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lengthEnd(end);
        return;
      case 5:
        this.need(4, end);
        this.pos += 4;
        return;
      case 3: {
        if (groupDepth >= MAX_GROUP_DEPTH) this.fail(`groups nested more than ${MAX_GROUP_DEPTH} deep`);
        for (;;) {
          if (this.pos >= end) this.fail(`unterminated group (field ${field})`);
          const tag = this.varint32(end);
          const innerField = tag >>> 3;
          const innerType = tag & 7;
          if (innerType === 4) {
            if (innerField !== field) this.fail(`end-group for field ${innerField} closes group ${field}`);
            return;
          }
          if (innerField === 0) this.fail('field number 0 in a group');
          this.skipValue(innerType, innerField, end, groupDepth + 1);
        }
      }
      case 4:
        return this.fail(`unexpected end-group (field ${field})`);
      default:
        return this.fail(`invalid wire type ${wireType} (field ${field})`);
    }
  }
}
