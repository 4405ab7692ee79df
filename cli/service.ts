import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { openDatabase, type Db } from '../store/sqlite/database.js';
import type { Storage } from '../store/api.js';
import { createSqliteStorage } from '../store/sqlite/open-sqlite-storage.js';
import { openClickHouseStorage } from '../store/clickhouse/open-clickhouse-storage.js';
import { createMetrics, type Metrics } from '../ops/metrics.js';
import { createLogger, type Logger } from '../ops/logger.js';
import { registerOpsRoutes } from '../ui/api/ops-routes.js';
import { StorageHealth } from '../ops/storage-health.js';
import { registerRunRoutes } from '../ui/api/runs-routes.js';
import { registerUiRoutes } from '../ui/ui-routes.js';
import { securityHeaders } from '../ui/security-headers.js';
import { visibleBidiControls } from '../ui/visible-bidi-controls.js';
import { registerOtlpRoutes } from '../collector/otlp-route.js';
import { startOtlpGrpcServer, type OtlpGrpcServer } from '../collector/grpc/otlp-grpc-server.js';
import { grpcListenPort } from '../collector/collector-config.js';
import { createKeyMatcher } from '../security/key-matcher.js';
import { refusingLogStore } from '../store/clickhouse/refusing-log-store.js';
import { registerAuth } from '../security/auth-middleware.js';
import { registerHostCheck } from '../security/request-origin.js';
import { startRetention } from '../store/retention-task.js';
import { createRedactor } from '../security/redactor.js';
import { registerRequestMetrics } from '../ops/request-metrics.js';
import { createAnalyzer } from '../analyzer/analysis-loop.js';
import { registerFlagRoutes } from '../ui/api/flags-routes.js';
import type { Flag } from '../model/api.js';
import { startReports } from '../reports/start-reports.js';
import { registerReportRoutes } from '../ui/api/report-routes.js';
import { createPriceList } from '../model/pricing/price-list.js';
import { registerSessionRoutes } from '../ui/api/sessions-routes.js';

/** A running tracehound: collector, analyser, web view and scheduler on one port. */
export interface RunningService {
  /** Base URL, e.g. http://127.0.0.1:4318 (with the real port when 0 was asked for). */
  url: string;
  port: number;
  /** The OTLP/gRPC port (the real one when 0 was asked for); null when collector.grpc.enabled is false. */
  grpcPort: number | null;
  db: Db;
  /** The storage backend every feature was given (store/api.ts). */
  storage: Storage;
  metrics: Metrics;
  logger: Logger;
  /** Graceful stop: refuse new requests, drain in-flight ones, finish work, close the database. */
  close(): Promise<void>;
}

export interface StartServiceOptions {
  logger?: Logger;
}

/** A background part of the service (analyser loop, scheduler, retention) that can be stopped. */
export interface BackgroundTask {
  stop(): Promise<void> | void;
}

/**
 * The composition root: config → store → routes → background tasks. It is the only place
 * that knows every feature; the features know nothing of each other.
 */
export async function startService(config: Config, options: StartServiceOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const metrics = createMetrics();
  const clickhouse = config.storage.backend === 'clickhouse';
  // On ClickHouse, the SQLite connection serves only what still reads it directly: an empty
  // in-memory database.
  const db = openDatabase(clickhouse ? ':memory:' : config.storage.path, {
    synchronous: config.storage.synchronous,
    cacheSizeMb: config.storage.cacheSizeMb,
  });
  // The storage backend every feature receives (store/api.ts). storage.writerThread: span commits
  // on their own thread and connection (file databases only); measured +20–40% spans/s and half
  // the event-loop delay (bench/ingest.bench.ts).
  const storage: Storage = clickhouse
    ? await openClickHouseStorage(config.storage.clickhouse).catch((error: unknown) => {
        db.close();
        throw error;
      })
    : createSqliteStorage(db, {
        path: config.storage.path,
        synchronous: config.storage.synchronous,
        cacheSizeMb: config.storage.cacheSizeMb,
        writerThread: config.storage.writerThread,
      });
  let accepting = true;
  const background: BackgroundTask[] = [];

  const app = new Hono();
  // Each feature adds its wiring at its own marker below, in a line or two; nothing else here.
  // [ui: middleware] (first, so every answer — a 401 too — carries the security headers)
  app.use('*', securityHeaders());
  app.use('*', visibleBidiControls());
  // [security: middleware]
  registerHostCheck(app, config, metrics);
  registerRequestMetrics(app, metrics);
  try {
    registerAuth(app, config, { metrics, logger });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const storageHealth = new StorageHealth({ path: config.storage.path, minFreeBytes: config.storage.minFreeBytes });
  registerOpsRoutes(app, storage.maintenance, metrics, () => accepting, () => storageHealth.report());
  // [collector: routes]
  const redact = createRedactor(config.redaction, { onRedacted: (pattern) => metrics.valuesRedacted.inc({ pattern }) });
  const ingest = registerOtlpRoutes(app, { traces: storage.traces, config, metrics, logger, redact, logs: storage.logs ?? refusingLogStore(storage.backend), onCommitOutcome: (error) => storageHealth.recordCommit(error) });
  const prices = createPriceList(config.pricing.models);
  registerRunRoutes(app, storage, prices);
  registerSessionRoutes(app, storage.runs, prices);
  // [analyzer: routes and background]
  // Alerters listen here: the NEW flags of one run, after they are committed.
  const analyzerFlagListeners: ((flags: Flag[]) => void)[] = [];
  const analyzer = createAnalyzer(storage, config.analyzer, {
    metrics,
    logger,
    onFlagsRaised: (flags) => analyzerFlagListeners.forEach((listener) => listener(flags)),
    ingestWaiting: () => ingest.commitPending(),
  });
  registerFlagRoutes(app, storage, { analyzeNow: () => analyzer.analyzePending({ force: true }) });
  if (config.analyzer.enabled) analyzer.start();
  background.push({ stop: () => analyzer.stop() });
  // [reports: routes and background]
  // Several processes may share one backend (ClickHouse): each scheduled report is made by the
  // one process granted its lease (storage.leases).
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const reports = startReports({ storage, holder, config, metrics, logger, publicUrl: () => config.server.publicUrl || url });
  registerReportRoutes(app, storage.reports, { makeReport: reports.makeReport, defaultPeriodMs: config.reports.period });
  analyzerFlagListeners.push((flags) => void reports.handleFlags(flags));
  background.push(reports);
  // [security: background]
  background.push(startRetention(storage.maintenance, { ...config.retention, metrics, logger, lease: { leases: storage.leases, holder } }));
  // [ui: routes]
  registerUiRoutes(app, storage, { prices });
  app.notFound((c) =>
    c.req.path.startsWith('/api/') ? c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404) : c.text('Not found', 404),
  );
  app.onError((error, c) => {
    logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error; see the server log' }, 500);
  });

  // The writer thread compiles and opens the database (~0.5 s): take no request before it can commit.
  await ingest.whenReady();
  let grpc: OtlpGrpcServer | null = null;
  if (config.collector.grpc.enabled) {
    try {
      grpc = await startOtlpGrpcServer({
        core: ingest.core,
        host: config.server.host,
        port: grpcListenPort(config),
        maxBodyBytes: config.collector.maxBodyBytes,
        isIngestKey: config.auth.ingestKeys.length === 0 ? null : createKeyMatcher(config.auth.ingestKeys),
        metrics,
        logger,
      });
    } catch (error) {
      await ingest.drain();
      await storage.close();
      throw new Error(`OTLP/gRPC cannot listen on ${config.server.host}:${grpcListenPort(config)} (collector.grpc.port): ${(error as Error).message}`);
    }
  }
  const server = await listen(app, config.server.host, config.server.port);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${formatHost(config.server.host)}:${port}`;
  logger.info({ url, grpcPort: grpc?.port ?? null, db: clickhouse ? config.storage.clickhouse.urls.join(',') : config.storage.path }, 'tracehound listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    grpcPort: grpc?.port ?? null,
    db,
    storage,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        accepting = false;
        // Keep-alive senders would hold server.close() open forever: close their connections
        // whenever they are between requests (in-flight requests finish; new ones get 503).
        const sweep = setInterval(() => (server as HttpServer).closeIdleConnections(), 50);
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([serverClosed, grpc?.close(), ingest.drain()]).finally(() => clearInterval(sweep));
        // In start order: the analyser commits its last slice before the alerter it feeds stops.
        for (const task of background) await task.stop();
        await storage.close();
        if (clickhouse) db.close();
        logger.info('tracehound stopped');
      })();
      return closing;
    },
  };
}

function listen(app: Hono, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server));
    server.once('error', reject);
  });
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
