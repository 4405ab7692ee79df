/**
 * 64-bit FNV-1a over a string's UTF-16 code units, as 16 lowercase hex digits. Fast and stable
 * across processes; not cryptographic. Used for dedup keys and flag ids.
 */
export function fnv1a64(text: string): string {
  // Two 32-bit halves keep the arithmetic in fast small integers.
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 ^= c;
    h2 ^= c >>> 3;
    h1 = Math.imul(h1, 0x01000193);
    h2 = Math.imul(h2 ^ (h1 >>> 7), 0x01000193);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
