import type { AttributeValue, Attributes } from '../../model/otlp.js';

/**
 * Sets `target[key] = value` on a plain object, safely for any key a sender may choose:
 * `__proto__` becomes an own property instead of replacing the prototype. The last duplicate
 * key wins (KeyValueList keys MUST be unique; senders that repeat one get the last value).
 */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
