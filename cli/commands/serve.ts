import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { startService } from '../service.js';

export const serveHelp = `tracehound serve [--config F] [--host H] [--port N] [--grpc-port N] [--db F]

Runs the collector (OTLP/HTTP on /v1/traces and /v1/logs, OTLP/gRPC on --grpc-port, default 4317), the analyser, the web view and the report
scheduler in one process. Stops gracefully on SIGTERM or SIGINT.`;

/** `tracehound serve`: runs until a signal; resolves when stopped. */
export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'grpc-port': { type: 'string' },
      db: { type: 'string' },
    },
    strict: true,
  });
  const config = loadConfig({
    configPath: values.config,
    overrides: { 'server.host': values.host, 'server.port': values.port, 'collector.grpc.port': values['grpc-port'], 'storage.path': values.db },
  });
  const service = await startService(config);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      service.logger.info({ signal }, 'stopping');
      service.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
