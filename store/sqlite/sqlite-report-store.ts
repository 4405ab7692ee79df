import type { Db } from './database.js';
import type { ReportQueries, ReportStore } from '../api.js';
import { getReport, getReportRendering, insertReport, listReports, setReportFilePath, updateReportDelivery } from '../report-store.js';
import {
  listOperations,
  queryBurn,
  queryFlagCounts,
  queryOperationLatency,
  queryPeriodTotals,
  querySeries,
  querySignatures,
  queryWorstAgents,
  queryVersionRates,
  queryWorstTools,
} from '../report-queries.js';
import { readCostSummary } from '../cost-reader.js';
import { createPriceList } from '../../model/pricing/price-list.js';

const DEFAULT_PRICES = createPriceList();

/** ReportStore over SQLite (table reports). */
export function createSqliteReportStore(db: Db): ReportStore {
  return {
    insertReport: async (report) => insertReport(db, report),
    listReports: async (options) => listReports(db, options),
    getReport: async (id) => getReport(db, id),
    getReportRendering: async (id, format) => getReportRendering(db, id, format),
    updateReportDelivery: async (id, delivery) => updateReportDelivery(db, id, delivery),
    setReportFilePath: async (id, filePath) => setReportFilePath(db, id, filePath),
  };
}

/** ReportQueries over SQLite: aggregations by span time through the runs and flags indexes. */
export function createSqliteReportQueries(db: Db): ReportQueries {
  return {
    periodTotals: async (period) => queryPeriodTotals(db, period),
    flagCounts: async (period) => queryFlagCounts(db, period),
    signatures: async (period, limit) => querySignatures(db, period, limit),
    worstAgents: async (period, limit) => queryWorstAgents(db, period, limit),
    worstTools: async (period, limit) => queryWorstTools(db, period, limit),
    listOperationKeys: async () => listOperations(db),
    operationLatency: async (period, operation) => queryOperationLatency(db, period, operation),
    burn: async (period) => queryBurn(db, period),
    series: async (period, bucketMs) => querySeries(db, period, bucketMs),
    costs: async (period, prices) => readCostSummary(db, period.fromMs, period.toMs, prices ?? DEFAULT_PRICES),
    versionRates: async (period) => queryVersionRates(db, period),
  };
}
