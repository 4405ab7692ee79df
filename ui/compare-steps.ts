/** One step of a run for comparison: a model call or a tool call, in start order. */
export interface CompareStep {
  spanId: string;
  kind: 'llm' | 'tool';
  /** What aligns steps: the tool's name, or the model's (`model:gpt-4o`). */
  key: string;
  label: string;
  durationMs: number;
  status: string;
  /** Tool arguments, or null for model calls and uncaptured arguments. */
  arguments: string | null;
  /** Tool result or the model's answer text; null when not captured. */
  result: string | null;
  tokens: number | null;
}

/** One row of the side-by-side view: a step of A, of B, or of both (aligned). */
export interface AlignedRow {
  a: CompareStep | null;
  b: CompareStep | null;
  /** What differs between the two (empty when the same, or one side is missing). */
  differences: ('status' | 'arguments' | 'result' | 'slower' | 'faster')[];
}

/** A step this many times slower or faster than its pair is marked. */
export const DURATION_RATIO = 1.5;
/** … and only when the gap is at least this many milliseconds. */
const MIN_GAP_MS = 50;
/** Longest step list aligned exactly (the LCS table is n × m); longer runs align step by step. */
const MAX_ALIGNED = 600;

/**
 * Aligns two runs' steps like a diff: the longest common subsequence of step keys (tool name or
 * model) pairs steps; the rest stand alone on their side, in order. Then each pair says what
 * differs: status, arguments, result, or duration (beyond DURATION_RATIO and MIN_GAP_MS). Pure.
 */
export function alignSteps(a: readonly CompareStep[], b: readonly CompareStep[]): AlignedRow[] {
  const pairs = a.length <= MAX_ALIGNED && b.length <= MAX_ALIGNED ? lcsPairs(a, b) : [];
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  const rest = (untilA: number, untilB: number) => {
    while (i < untilA) rows.push({ a: a[i++]!, b: null, differences: [] });
    while (j < untilB) rows.push({ a: null, b: b[j++]!, differences: [] });
  };
  for (const [pi, pj] of pairs) {
    rest(pi, pj);
    rows.push({ a: a[i]!, b: b[j]!, differences: differences(a[i]!, b[j]!) });
    i++;
    j++;
  }
  if (pairs.length === 0 && (a.length > MAX_ALIGNED || b.length > MAX_ALIGNED)) {
    while (i < a.length && j < b.length) {
      rows.push({ a: a[i]!, b: b[j]!, differences: a[i]!.key === b[j]!.key ? differences(a[i]!, b[j]!) : [] });
      i++;
      j++;
    }
  }
  rest(a.length, b.length);
  return rows;
}

function lcsPairs(a: readonly CompareStep[], b: readonly CompareStep[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const table = new Uint16Array((n + 1) * (m + 1));
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      table[x * (m + 1) + y] = a[x]!.key === b[y]!.key ? table[(x + 1) * (m + 1) + y + 1]! + 1 : Math.max(table[(x + 1) * (m + 1) + y]!, table[x * (m + 1) + y + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (a[x]!.key === b[y]!.key) {
      pairs.push([x, y]);
      x++;
      y++;
    } else if (table[(x + 1) * (m + 1) + y]! >= table[x * (m + 1) + y + 1]!) x++;
    else y++;
  }
  return pairs;
}

function differences(a: CompareStep, b: CompareStep): AlignedRow['differences'] {
  const out: AlignedRow['differences'] = [];
  if (a.status !== b.status) out.push('status');
  if (a.arguments !== null && b.arguments !== null && canonical(a.arguments) !== canonical(b.arguments)) out.push('arguments');
  if (a.result !== null && b.result !== null && canonical(a.result) !== canonical(b.result)) out.push('result');
  if (b.durationMs >= a.durationMs * DURATION_RATIO && b.durationMs - a.durationMs >= MIN_GAP_MS) out.push('slower');
  else if (a.durationMs >= b.durationMs * DURATION_RATIO && a.durationMs - b.durationMs >= MIN_GAP_MS) out.push('faster');
  return out;
}

/** JSON compared after parsing (key order and whitespace do not count); other text as it is. */
function canonical(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(trimmed)));
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}
