import type {
  Attributes,
  OtlpEvent,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatusCode,
  OtlpTraceRequest,
} from '../../model/otlp.js';
import type { DecodeLimits, SpanIssue } from './decode-error.js';
import { OtlpProtobufReader } from './protobuf-reader.js';

/** A decoded request plus the per-span problems the decoder noticed. */
export interface DecodedTraceRequest {
  request: OtlpTraceRequest;
  spanCount: number;
  /** Spans that must be rejected for what the decoder saw (e.g. nesting too deep). */
  spanIssues: Map<OtlpSpan, SpanIssue>;
}

/**
 * Decodes a binary protobuf `ExportTraceServiceRequest` (opentelemetry-proto v1.11) by hand:
 * one pass, no intermediate message objects.
 *
 * Contracts:
 * - times (fixed64) are exact bigints; ids are lowercase hex of whatever length was sent
 *   (validation judges the length); an empty parent span id becomes null.
 * - values, resource, scope, unknown fields and malformed input as in OtlpProtobufReader
 *   (./protobuf-reader.ts), shared with the logs decoder.
 * - recursion is bounded by `limits.maxNestingDepth`; nothing the sender controls can exhaust
 *   the stack.
 */
export function decodeProtobufTraceRequest(body: Uint8Array, limits: DecodeLimits): DecodedTraceRequest {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const decoder = new ProtobufTraceDecoder(buf, limits.maxNestingDepth, limits.maxAttributeCount, limits.maxEventsPerSpan, limits.maxLinksPerSpan);
  const request = decoder.decodeRequest();
  return { request, spanCount: decoder.spanCount, spanIssues: decoder.issues };
}

class ProtobufTraceDecoder extends OtlpProtobufReader<OtlpSpan> {
  spanCount = 0;

  constructor(
    buf: Buffer,
    maxDepth: number,
    maxAttributes = Infinity,
    private readonly maxEvents = Infinity,
    private readonly maxLinks = Infinity,
  ) {
    super(buf, maxDepth, maxAttributes);
  }

  decodeRequest(): OtlpTraceRequest {
    const resourceSpans: OtlpResourceSpans[] = [];
    const end = this.buf.length;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) resourceSpans.push(this.resourceSpans(this.lengthEnd(end)));
      else this.skipField(tag, end, 'ExportTraceServiceRequest', 1, 2);
    }
    return { resourceSpans };
  }

  private resourceSpans(end: number): OtlpResourceSpans {
    let resource: Attributes = {};
    const scopeSpans: OtlpScopeSpans[] = [];
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) resource = this.resource(this.lengthEnd(end));
      else if (tag === 0x12) scopeSpans.push(this.scopeSpans(this.lengthEnd(end)));
      else this.skipField(tag, end, 'ResourceSpans', 1, 2, 2, 2, 3, 2);
    }
    this.pos = end;
    return { resource, scopeSpans };
  }

  private scopeSpans(end: number): OtlpScopeSpans {
    let scope: OtlpScope = { name: '', version: '' };
    const spans: OtlpSpan[] = [];
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x12) spans.push(this.span(this.lengthEnd(end)));
      else if (tag === 0x0a) scope = this.scope(this.lengthEnd(end));
      else this.skipField(tag, end, 'ScopeSpans', 1, 2, 2, 2, 3, 2);
    }
    return { scope, spans };
  }

  private span(end: number): OtlpSpan {
    this.spanCount++;
    const span: OtlpSpan = {
      traceId: '',
      spanId: '',
      parentSpanId: null,
      traceState: '',
      name: '',
      kind: 0,
      startTimeUnixNano: 0n,
      endTimeUnixNano: 0n,
      attributes: {},
      droppedAttributesCount: 0,
      events: [],
      links: [],
      statusCode: 0,
      statusMessage: '',
    };
    this.currentItem = span;
    let attributeCount = 0;
    let droppedEvents = 0;
    let droppedLinks = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      switch (tag) {
        case 0x0a: // 1 trace_id
          span.traceId = this.hex(end);
          break;
        case 0x12: // 2 span_id
          span.spanId = this.hex(end);
          break;
        case 0x1a: // 3 trace_state
          span.traceState = this.string(end);
          break;
        case 0x22: {
          // 4 parent_span_id
          const parent = this.hex(end);
          span.parentSpanId = parent === '' ? null : parent;
          break;
        }
        case 0x2a: // 5 name
          span.name = this.string(end);
          break;
        case 0x30: {
          // 6 kind
          const kind = this.varint32(end);
          span.kind = kind <= 5 ? kind : 0;
          break;
        }
        case 0x39: // 7 start_time_unix_nano
          span.startTimeUnixNano = this.fixed64(end);
          break;
        case 0x41: // 8 end_time_unix_nano
          span.endTimeUnixNano = this.fixed64(end);
          break;
        case 0x4a: // 9 attributes
          attributeCount = this.attribute(this.lengthEnd(end), span.attributes, attributeCount);
          break;
        case 0x50: // 10 dropped_attributes_count
          span.droppedAttributesCount = this.varint32(end);
          break;
        case 0x5a: {
          // 11 events: past maxEvents skipped unbuilt and counted (issue 15 F5)
          const eventEnd = this.lengthEnd(end);
          if (span.events.length < this.maxEvents) span.events.push(this.event(eventEnd));
          else {
            this.pos = eventEnd;
            droppedEvents++;
          }
          break;
        }
        case 0x60: // 12 dropped_events_count (the sender's own)
          droppedEvents += this.varint32(end);
          break;
        case 0x6a: {
          // 13 links: past maxLinks skipped unbuilt and counted
          const linkEnd = this.lengthEnd(end);
          if (span.links.length < this.maxLinks) span.links.push(this.link(linkEnd));
          else {
            this.pos = linkEnd;
            droppedLinks++;
          }
          break;
        }
        case 0x70: // 14 dropped_links_count (the sender's own)
          droppedLinks += this.varint32(end);
          break;
        case 0x7a: // 15 status
          this.status(this.lengthEnd(end), span);
          break;
        default:
          this.skipField(tag, end, 'Span', 1, 2, 2, 2, 3, 2, 4, 2, 5, 2, 6, 0, 7, 1, 8, 1, 9, 2, 10, 0, 11, 2, 12, 0, 13, 2, 14, 0, 15, 2, 16, 5);
      }
    }
    this.currentItem = null;
    if (droppedEvents > 0) span.droppedEventsCount = droppedEvents;
    if (droppedLinks > 0) span.droppedLinksCount = droppedLinks;
    return span;
  }

  private event(end: number): OtlpEvent {
    const event: OtlpEvent = { timeUnixNano: 0n, name: '', attributes: {} };
    let count = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x09) event.timeUnixNano = this.fixed64(end);
      else if (tag === 0x12) event.name = this.string(end);
      else if (tag === 0x1a) count = this.attribute(this.lengthEnd(end), event.attributes, count);
      else this.skipField(tag, end, 'Span.Event', 1, 1, 2, 2, 3, 2, 4, 0);
    }
    return event;
  }

  private link(end: number): OtlpLink {
    const link: OtlpLink = { traceId: '', spanId: '', attributes: {} };
    let count = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x0a) link.traceId = this.hex(end);
      else if (tag === 0x12) link.spanId = this.hex(end);
      else if (tag === 0x22) count = this.attribute(this.lengthEnd(end), link.attributes, count);
      else this.skipField(tag, end, 'Span.Link', 1, 2, 2, 2, 3, 2, 4, 2, 5, 0, 6, 5);
    }
    return link;
  }

  private status(end: number, span: OtlpSpan): void {
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x12) span.statusMessage = this.string(end);
      else if (tag === 0x18) {
        const code = this.varint32(end);
        span.statusCode = (code <= 2 ? code : 0) as OtlpStatusCode;
      } else this.skipField(tag, end, 'Status', 2, 2, 3, 0);
    }
  }
}
