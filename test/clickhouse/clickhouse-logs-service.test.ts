import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startService, type RunningService } from '../../cli/service.js';
import { parseConfig } from '../../config/load-config.js';
import type { ApiSpan, ApiSpanDetail } from '../../model/api.js';
import { encodeJson, freshId, jsonRequest, jsonSpan } from '../collector/support/otlp-payloads.js';
import { startTestCluster } from './support/test-cluster.js';

/**
 * OTLP logs into a tracehound on the ClickHouse backend (the 18.16 2 × 2 cluster), over HTTP and
 * gRPC with the real exporters: stored (no 503), shown with their span, GenAI content joined.
 */
let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
let service: RunningService;

beforeAll(async () => {
  cluster = await startTestCluster();
  service = await startService(
    parseConfig({
      server: { host: '127.0.0.1', port: 0 },
      storage: { backend: 'clickhouse', clickhouse: { urls: cluster.urls, database: 'logs_service', cluster: cluster.cluster } },
      analyzer: { enabled: false },
      reports: { enabled: false },
      retention: { maxAgeDays: 0 },
      logging: { level: 'silent' },
    }),
  );
}, 120_000);

afterAll(async () => {
  await service?.close();
  await cluster?.dispose();
}, 60_000);

describe('OTLP logs on ClickHouse', () => {
  const exporters: [string, () => LogRecordExporter][] = [
    ['exporter-logs-otlp-proto (HTTP)', () => new ProtoLogExporter({ url: `${service.url}/v1/logs` })],
    ['exporter-logs-otlp-grpc', () => new GrpcLogExporter({ url: `http://127.0.0.1:${service.grpcPort}` })],
  ];
  for (const [name, makeExporter] of exporters) {
    it(`${name}: records are stored and listed with their span; a GenAI choice joins the model call`, async () => {
      const traceId = freshId(16);
      const spanId = freshId(8);
      const span = jsonSpan({
        traceId,
        spanId,
        name: 'chat gpt-4o-mini',
        kind: 3,
        attributes: [
          { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
          { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        ],
      });
      const stored = await fetch(`${service.url}/v1/traces`, { method: 'POST', body: encodeJson(jsonRequest([span])), headers: { 'Content-Type': 'application/json' } });
      expect(stored.status).toBe(200);

      const results: number[] = [];
      const exporter = makeExporter();
      const watched: LogRecordExporter = {
        export: (records, done) => exporter.export(records, (result) => {
          results.push(result.code);
          done(result);
        }),
        shutdown: () => exporter.shutdown(),
        forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
      };
      const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'ch-logs' }), processors: [new SimpleLogRecordProcessor({ exporter: watched })] });
      const logger = provider.getLogger('ch');
      const spanContext = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      logger.emit({ context: spanContext, severityNumber: SeverityNumber.WARN, body: `retrying via ${name}`, attributes: { attempt: 2 } });
      logger.emit({ context: spanContext, eventName: 'gen_ai.choice', body: { index: 0, finish_reason: 'stop', message: { content: `answer via ${name}` } } });
      await provider.forceFlush();
      await provider.shutdown();
      expect(results).toEqual([0, 0]); // ExportResultCode.SUCCESS: no 503 / UNAVAILABLE

      const detail = (await (await fetch(`${service.url}/api/runs/${traceId}/spans/${spanId}`)).json()) as ApiSpanDetail;
      expect(detail.logs.map((record) => [record.severity, record.body, record.attributes])).toEqual([['WARN', `retrying via ${name}`, { attempt: 2 }]]);
      expect(detail.moreLogs).toBe(0);
      const deadline = Date.now() + 10_000;
      let output: unknown;
      while (Date.now() < deadline) {
        const spans = ((await (await fetch(`${service.url}/api/runs/${traceId}`)).json()) as { spans: ApiSpan[] }).spans;
        output = spans[0]?.attributes['gen_ai.output.messages'];
        if (output !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(String(output)).toContain(`answer via ${name}`);
    }, 60_000);
  }
});
