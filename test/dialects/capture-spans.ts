import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import type { NormalizedSpan } from '../../model/span.js';
import { readableSpanToOtlp } from '../support/readable-span-to-otlp.js';

/**
 * A tracer provider whose finished spans stay in memory, and a way to read them normalised.
 * It is registered globally (one per test file: vitest runs each file in its own process) so
 * the async-hooks context manager links children to their parents as in a real application.
 */
export function captureSpans(serviceName: string) {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    provider,
    exporter,
    /** Every finished span so far, normalised, in end order. */
    normalized(): NormalizedSpan[] {
      return exporter.getFinishedSpans().map((readable) => {
        const { span, resource, scope } = readableSpanToOtlp(readable);
        return normalizeSpan(span, resource, scope);
      });
    },
  };
}
