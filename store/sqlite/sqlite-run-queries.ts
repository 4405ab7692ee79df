import type { Db } from './database.js';
import type { RunQueries } from '../api.js';
import { getRun, getRunsByIds, getRunSpan, getRunSpans, listRunFacets, listRuns } from '../run-reader.js';
import { listWaterfallSpans } from '../waterfall-reader.js';
import { findTraceIdsByPrefix } from '../run-prefix.js';
import { readOverview } from '../overview-reader.js';
import { listConversationSpans } from '../conversation-reader.js';
import { listLatencySamples, listOperations, listSpikeSpanKeys } from '../latency-reader.js';
import { getSession, listSessions } from '../session-reader.js';
import { readCostSummary } from '../cost-reader.js';
import { createPriceList } from '../../model/pricing/price-list.js';

const DEFAULT_PRICES = createPriceList();

/** RunQueries over SQLite: each read one synchronous query on the main connection (WAL snapshot). */
export function createSqliteRunQueries(db: Db): RunQueries {
  return {
    listRuns: async (filter, prices) => listRuns(db, filter, prices),
    getRun: async (traceId, prices) => getRun(db, traceId, prices),
    getRuns: async (traceIds, prices) => getRunsByIds(db, traceIds, prices),
    listRunSpans: async (traceId) => getRunSpans(db, traceId),
    getRunSpan: async (traceId, spanId) => getRunSpan(db, traceId, spanId),
    listWaterfallSpans: async (traceId) => listWaterfallSpans(db, traceId),
    listConversationSpans: async (traceId) => listConversationSpans(db, traceId),
    findTraceIdsByPrefix: async (prefix, limit) => findTraceIdsByPrefix(db, prefix, limit),
    listRunFacets: async () => listRunFacets(db),
    listSessions: async (filter, prices) => listSessions(db, filter ?? {}, prices ?? DEFAULT_PRICES),
    getSession: async (sessionId, prices) => getSession(db, sessionId, prices ?? DEFAULT_PRICES),
    readCosts: async (window, prices) => readCostSummary(db, window.sinceMs, window.untilMs, prices ?? DEFAULT_PRICES),
    readOverview: async (window, options) => readOverview(db, window, options),
    listOperations: async (sinceMs, untilMs, limit) => listOperations(db, sinceMs, untilMs, limit),
    listLatencySamples: async (operation, sinceMs, untilMs, limit) => listLatencySamples(db, operation, sinceMs, untilMs, limit),
    listSpikeSpanKeys: async (operation, sinceMs, untilMs) => listSpikeSpanKeys(db, operation, sinceMs, untilMs),
  };
}
