
/** What the tree needs of a span. */
export interface TreeSpan {
  spanId: string;
  parentSpanId: string | null;
}

/** One row of the waterfall: a span, how deep it sits, and whether it has children. */
export interface TreeRow<S extends TreeSpan = TreeSpan> {
  span: S;
  depth: number;
  childCount: number;
}

/**
 * Orders a trace's spans depth-first (children by start time) for the waterfall. Spans whose
 * parent is missing from the trace (not yet arrived, or dropped) are shown as roots; a parent
 * cycle cannot loop forever (each span is visited once). Iterative, so a 2,000-deep chain
 * does not overflow the stack. Input order is start order (getRunSpans), which is kept.
 */
export function buildSpanTree<S extends TreeSpan>(spans: readonly S[]): TreeRow<S>[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of spans) {
    if (span.parentSpanId !== null && span.parentSpanId !== span.spanId && ids.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId);
      if (list === undefined) children.set(span.parentSpanId, [span]);
      else list.push(span);
    } else roots.push(span);
  }
  const rows: TreeRow<S>[] = [];
  const visited = new Set<string>();
  const stack: { span: S; depth: number }[] = roots.reverse().map((span) => ({ span, depth: 0 }));
  const visit = () => {
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (visited.has(span.spanId)) continue;
      visited.add(span.spanId);
      const kids = children.get(span.spanId) ?? [];
      rows.push({ span, depth, childCount: kids.length });
      for (let index = kids.length - 1; index >= 0; index--) stack.push({ span: kids[index]!, depth: depth + 1 });
    }
  };
  visit();
  // Spans only reachable through a cycle: show them as roots rather than lose them.
  for (const span of spans) {
    if (!visited.has(span.spanId)) {
      stack.push({ span, depth: 0 });
      visit();
    }
  }
  return rows;
}
