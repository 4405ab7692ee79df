import type { Hono } from 'hono';
import type { RunQueries, ConversationSpan } from '../store/api.js';
import type { PriceList } from '../model/pricing/price-list.js';
import { ComparePage } from './pages/compare-page.js';
import { MessagePage } from './pages/message-page.js';
import { alignSteps, type CompareStep } from './compare-steps.js';
import { MAX_CONVERSATION_SPANS } from '../store/api.js';

const TRACE_ID_OR_PREFIX = /^[0-9a-f]{6,32}$/;

/**
 * GET /compare?a=TRACE&b=TRACE: two runs side by side, their steps aligned. Either id may be a
 * prefix of at least 6 hex digits that names one run.
 */
export function registerComparePages(app: Hono, runs: Pick<RunQueries, 'getRun' | 'listConversationSpans' | 'findTraceIdsByPrefix'>, options: { prices: PriceList }): void {
  app.get('/compare', async (c) => {
    const resolve = async (raw: string | undefined): Promise<string | string> => {
      const text = (raw ?? '').trim().toLowerCase();
      if (!TRACE_ID_OR_PREFIX.test(text)) return `"${text.slice(0, 64)}" is not a trace id (32 hex digits, or a prefix of at least 6)`;
      if (text.length === 32) return text;
      const found = await runs.findTraceIdsByPrefix(text, 2);
      if (found.length !== 1) return found.length === 0 ? `no run starts with ${text}` : `more than one run starts with ${text}`;
      return found[0]!;
    };
    const ids = [await resolve(c.req.query('a')), await resolve(c.req.query('b'))];
    const problems = ids.filter((id) => !/^[0-9a-f]{32}$/.test(id));
    if (problems.length > 0) return c.html(<MessagePage title="Compare runs" section="runs" message={`Cannot compare: ${problems.join('; ')}.`} />, 400);
    const [a, b] = await Promise.all(ids.map((id) => runs.getRun(id, options.prices)));
    if (a == null || b == null) return c.html(<MessagePage title="Not found" section="runs" message={`No run with trace id ${a == null ? ids[0] : ids[1]}.`} />, 404);
    const [stepsA, stepsB] = await Promise.all([runs.listConversationSpans(a.traceId), runs.listConversationSpans(b.traceId)]);
    const rows = alignSteps(stepsA.map(toStep), stepsB.map(toStep));
    const truncated = stepsA.length >= MAX_CONVERSATION_SPANS || stepsB.length >= MAX_CONVERSATION_SPANS;
    return c.html(<ComparePage a={a} b={b} rows={rows} truncated={truncated} />);
  });
}

function toStep(span: ConversationSpan): CompareStep {
  if (span.kind === 'tool' && span.tool !== null) {
    return { spanId: span.spanId, kind: 'tool', key: span.tool.name, label: span.tool.name, durationMs: span.durationMs, status: span.status, arguments: span.tool.arguments, result: span.tool.result, tokens: null };
  }
  const model = span.llm?.model ?? null;
  const tokens = span.llm !== null && (span.llm.inputTokens !== null || span.llm.outputTokens !== null) ? (span.llm.inputTokens ?? 0) + (span.llm.outputTokens ?? 0) : null;
  return {
    spanId: span.spanId,
    kind: span.kind,
    key: span.kind === 'llm' ? `model:${model ?? '?'}` : span.name,
    label: span.kind === 'llm' ? `model ${model ?? span.name}` : span.name,
    durationMs: span.durationMs,
    status: span.status,
    arguments: null,
    result: span.llm?.outputText ?? null,
    tokens,
  };
}
