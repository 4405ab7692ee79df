import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { normalizeSpan } from '../../model/normalize/normalize-span.js';
import type { NormalizedSpan } from '../../model/span.js';
import { readableSpanToOtlp } from '../support/readable-span-to-otlp.js';

/** A tracer provider whose finished spans stay in memory, and a way to read them normalised. */
export function captureSpans(serviceName: string) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
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
