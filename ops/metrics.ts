import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric tracehound exposes at GET /metrics, in one registry per running
 * service (tests start several services in one process, so nothing here is global).
 * Features receive this object and update their own metrics; none reads another's.
 */
export interface Metrics {
  registry: Registry;
  spansReceived: Counter<'encoding'>;
  spansStored: Counter;
  spansDuplicate: Counter;
  spansRejected: Counter<'reason'>;
  requestsRejected: Counter<'reason'>;
  ingestQueueDepth: Gauge;
  ingestCommitSeconds: Histogram;
  httpRequestSeconds: Histogram<'route' | 'method' | 'status'>;
  analysisSeconds: Histogram;
  analysisSliceSeconds: Histogram;
  analysisLagSeconds: Gauge;
  /** Runs stored but not analysed yet (complete or not). */
  analysisPendingRuns: Gauge;
  /**
   * Measures the analysis lag gauges at scrape time (set by the analyser), so they are true
   * even while a pass runs long or the loop is off.
   */
  measureAnalysisLag: (() => Promise<void>) | null;
  tracesAnalyzed: Counter;
  flagsRaised: Counter<'detector' | 'severity'>;
  reportsMade: Counter<'trigger'>;
  webhookDeliveries: Counter<'kind' | 'outcome'>;
  authFailures: Counter<'surface'>;
  valuesRedacted: Counter<'pattern'>;
  retentionDeletedRuns: Counter<'reason'>;
  retentionDeletedSpans: Counter;
  retentionPassSeconds: Histogram;
  databaseBytes: Gauge<'kind'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tracehound_process_' });
  const registers = [registry];
  const metrics: Metrics = {
    measureAnalysisLag: null,
    registry,
    spansReceived: new Counter({ name: 'tracehound_spans_received_total', help: 'Spans decoded from OTLP requests.', labelNames: ['encoding'], registers }),
    spansStored: new Counter({ name: 'tracehound_spans_stored_total', help: 'Spans committed to the database.', registers }),
    spansDuplicate: new Counter({ name: 'tracehound_spans_duplicate_total', help: 'Spans received again (exporter retries) and not stored twice.', registers }),
    spansRejected: new Counter({ name: 'tracehound_spans_rejected_total', help: 'Spans rejected by validation (partial success), by reason.', labelNames: ['reason'], registers }),
    requestsRejected: new Counter({ name: 'tracehound_requests_rejected_total', help: 'OTLP requests refused whole, by reason.', labelNames: ['reason'], registers }),
    ingestQueueDepth: new Gauge({ name: 'tracehound_ingest_queue_spans', help: 'Spans decoded and waiting to be committed.', registers }),
    ingestCommitSeconds: new Histogram({ name: 'tracehound_ingest_commit_seconds', help: 'Time to commit one batch of spans.', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers }),
    httpRequestSeconds: new Histogram({ name: 'tracehound_http_request_seconds', help: 'HTTP request latency.', labelNames: ['route', 'method', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
    analysisSeconds: new Histogram({ name: 'tracehound_analysis_seconds', help: 'Time to analyse one trace.', buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers }),
    analysisSliceSeconds: new Histogram({ name: 'tracehound_analysis_slice_seconds', help: 'Time the analyser held the event loop in one slice (analysis + commit).', buckets: [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25], registers }),
    analysisLagSeconds: new Gauge({
      name: 'tracehound_analysis_lag_seconds',
      help: 'Age of the oldest complete trace waiting for analysis.',
      registers,
      collect: async () => {
        await metrics.measureAnalysisLag?.();
      },
    }),
    analysisPendingRuns: new Gauge({
      name: 'tracehound_analysis_pending_runs',
      help: 'Runs stored but not analysed yet.',
      registers,
      // Gauges are collected concurrently: each measures for itself.
      collect: async () => {
        await metrics.measureAnalysisLag?.();
      },
    }),
    tracesAnalyzed: new Counter({ name: 'tracehound_traces_analyzed_total', help: 'Traces analysed.', registers }),
    flagsRaised: new Counter({ name: 'tracehound_flags_raised_total', help: 'Flags raised, by detector and severity.', labelNames: ['detector', 'severity'], registers }),
    reportsMade: new Counter({ name: 'tracehound_reports_total', help: 'Anomaly reports made, by trigger.', labelNames: ['trigger'], registers }),
    webhookDeliveries: new Counter({ name: 'tracehound_webhook_deliveries_total', help: 'Webhook deliveries of reports and alerts, by outcome.', labelNames: ['kind', 'outcome'], registers }),
    authFailures: new Counter({ name: 'tracehound_auth_failures_total', help: 'Requests refused for a missing or wrong key, token or session, by surface (ingest, api, metrics, page, login).', labelNames: ['surface'], registers }),
    valuesRedacted: new Counter({ name: 'tracehound_values_redacted_total', help: 'Secrets and personal data redacted at ingest, by pattern.', labelNames: ['pattern'], registers }),
    retentionDeletedRuns: new Counter({ name: 'tracehound_retention_deleted_runs_total', help: 'Runs deleted by retention, by reason (age, size).', labelNames: ['reason'], registers }),
    retentionDeletedSpans: new Counter({ name: 'tracehound_retention_deleted_spans_total', help: 'Spans deleted by retention.', registers }),
    retentionPassSeconds: new Histogram({ name: 'tracehound_retention_pass_seconds', help: 'Duration of one retention pass (all its batches).', buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120], registers }),
    databaseBytes: new Gauge({ name: 'tracehound_database_bytes', help: 'Database size in bytes as of the last retention pass: file (main file) and data (pages in use).', labelNames: ['kind'], registers }),
  };
  return metrics;
}
