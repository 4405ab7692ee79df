import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Secrets never reach a log line: request headers are not
 * logged, and the paths below are censored should any caller pass them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tracehound' },
      redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'apiKey', '*.apiKey', 'token', '*.token'], censor: '[redacted]' },
    },
    destination as pino.DestinationStream | undefined,
  );
}
