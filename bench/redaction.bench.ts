import { configSchema } from '../config/schema.js';
import type { NormalizedSpan } from '../model/span.js';
import { createRedactor } from '../security/redactor.js';
import { makeSpan } from '../test/support/normalized-spans.js';

/**
 * Cost of ingest-time redaction per span (default configuration: every built-in pattern and
 * the default attribute deny-list), for realistic agent spans with and without secrets.
 */
export default async function redactionBench({ quick }: { quick: boolean }): Promise<void> {
  const redact = createRedactor(configSchema.parse({}).redaction);
  const iterations = quick ? 20_000 : 200_000;
  const resource = { 'service.name': 'support-agent', 'service.version': '1.4.2', 'telemetry.sdk.language': 'nodejs' };
  const clean = (i: number): NormalizedSpan =>
    makeSpan({
      name: 'execute_tool search_orders',
      kind: 'tool',
      resource,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search_orders',
        'gen_ai.tool.call.id': `call_${i}`,
        'gen_ai.tool.call.arguments': `{"query":"late deliveries in region ${i % 7}","limit":20}`,
        'gen_ai.tool.call.result': `{"orders":[{"id":"ord_${i}","status":"delayed","days":3},{"id":"ord_${i + 1}","status":"shipped","days":1}]}`,
        'gen_ai.agent.name': 'support',
        'gen_ai.usage.input_tokens': 812,
        'gen_ai.usage.output_tokens': 96,
        'session.id': `sess-${i % 100}`,
        'http.status_code': 200,
      },
      tool: { name: 'search_orders', arguments: `{"query":"late deliveries in region ${i % 7}","limit":20}`, result: '{"orders":[]}' },
    });
  const secret = (i: number): NormalizedSpan => {
    const span = clean(i);
    return {
      ...span,
      attributes: {
        ...span.attributes,
        'gen_ai.tool.call.arguments': `{"customer":"jane.doe${i}@example.com","card":"4111 1111 1111 1111"}`,
        'http.request.header.authorization': 'Bearer sk-proj-abcdefghijklmnopqrstuvwx',
      },
    };
  };
  for (const [label, make] of [
    ['clean agent span (10 attributes, tool args/result)', clean],
    ['span with an e-mail, a card number and an auth header', secret],
  ] as const) {
    const spans = Array.from({ length: 1000 }, (_, i) => make(i));
    for (let i = 0; i < 5_000; i++) redact(spans[i % spans.length]!); // warm-up
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) redact(spans[i % spans.length]!);
    const nsPerSpan = Number(process.hrtime.bigint() - started) / iterations;
    console.log(`redaction, ${label}: ${nsPerSpan.toFixed(0)} ns/span (${(1e9 / nsPerSpan / 1000).toFixed(0)}k spans/s on one core)`);
  }
}
