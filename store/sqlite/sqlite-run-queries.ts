import type { Db } from '../database.js';
import type { RunQueries } from '../api.js';
import { getRun, getRunSpan, getRunSpans, listRunFacets, listRuns } from '../run-reader.js';
import { listWaterfallSpans } from '../waterfall-reader.js';
import { findTraceIdsByPrefix } from '../run-prefix.js';
import { readOverview } from '../overview-reader.js';
import { listLatencySamples, listOperations, listSpikeSpanKeys } from '../latency-reader.js';
import { getSession, listSessions } from '../session-reader.js';
import { createPriceList, type PriceList } from '../../model/pricing/price-list.js';

/**
 * RunQueries over SQLite: each read one synchronous query on the main connection (WAL snapshot).
 * Costs at `prices` (the repo's price table by default).
 */
export function createSqliteRunQueries(db: Db, prices: PriceList = createPriceList()): RunQueries {
  return {
    listRuns: async (filter) => listRuns(db, filter, prices),
    getRun: async (traceId) => getRun(db, traceId, prices),
    listSessions: async (filter) => listSessions(db, filter ?? {}, prices),
    getSession: async (sessionId) => getSession(db, sessionId, prices),
    findTraceIdsByPrefix: async (prefix, limit) => findTraceIdsByPrefix(db, prefix, limit),
    listRunSpans: async (traceId) => getRunSpans(db, traceId),
    getRunSpan: async (traceId, spanId) => getRunSpan(db, traceId, spanId),
    listWaterfallSpans: async (traceId) => listWaterfallSpans(db, traceId),
    listRunFacets: async () => listRunFacets(db),
    readOverview: async (window, options) => readOverview(db, window, options),
    listOperations: async (sinceMs, untilMs, limit) => listOperations(db, sinceMs, untilMs, limit),
    listLatencySamples: async (operation, sinceMs, untilMs, limit) => listLatencySamples(db, operation, sinceMs, untilMs, limit),
    listSpikeSpanKeys: async (operation, sinceMs, untilMs) => listSpikeSpanKeys(db, operation, sinceMs, untilMs),
  };
}
