import type {
  OtlpEvent,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatusCode,
} from '../../model/otlp.js';
import type { DecodeLimits } from './decode-error.js';
import type { DecodedTraceRequest } from './protobuf-decoder.js';
import {
  JsonValueDecoder,
  asArray,
  asEnum,
  asHexId,
  asObject,
  asString,
  asUint32,
  asUint64,
  decodingFields,
  field,
  parseOtlpJson,
  prefixPath,
  within,
} from './json-values.js';

export { quoteLargeInt64Numbers } from './json-values.js';

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (the proto3 JSON mapping with OTLP's
 * deviations, OTLP.md §1.3) into the same shape as the protobuf decoder.
 *
 * Contracts:
 * - ids are case-insensitive hex strings, lowercased; `""`/missing is empty (validation rejects
 *   the span), non-hex or odd-length text refuses the request (400), as in the Collector.
 * - int64 fields (`*UnixNano`, `intValue`) are accepted as decimal strings or JSON numbers
 *   WITHOUT precision loss: numbers of 16+ digits under those keys are quoted before
 *   `JSON.parse` (Node 20's JSON.parse has no source-text access). A number written with a
 *   fraction or exponent is accepted only if it is an integer, at double precision.
 * - enums as integers; names (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`) are tolerated.
 * - lowerCamelCase keys; snake_case tolerated; unknown keys ignored; `null` means absent.
 * - `bytesValue` is base64 (standard or URL-safe) and is kept as standard base64.
 * - a value of the wrong JSON type refuses the request with a message naming the field, e.g.
 *   `resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected an unsigned 64-bit
 *   integer (decimal string or number), got "soon"`.
 */
export function decodeJsonTraceRequest(text: string, limits: DecodeLimits): DecodedTraceRequest {
  const root = parseOtlpJson(text);
  const decoder = new JsonTraceDecoder(limits.maxNestingDepth, limits.maxAttributeCount, limits.maxEventsPerSpan, limits.maxLinksPerSpan);
  const resourceSpans = decodingFields(() => decoder.request(root));
  return { request: { resourceSpans }, spanCount: decoder.spanCount, spanIssues: decoder.issues };
}

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

class JsonTraceDecoder extends JsonValueDecoder<OtlpSpan> {
  spanCount = 0;

  constructor(
    maxDepth: number,
    maxAttributes = Infinity,
    private readonly maxEvents = Infinity,
    private readonly maxLinks = Infinity,
  ) {
    super(maxDepth, maxAttributes);
  }

  request(root: unknown): OtlpResourceSpans[] {
    const object = asObject(root, '');
    const list = asArray(field(object, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    const out: OtlpResourceSpans[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = within(`.resourceSpans[${i}]`, () => this.resourceSpans(list[i]));
    return out;
  }

  private resourceSpans(value: unknown): OtlpResourceSpans {
    const object = asObject(value, '');
    const resource = this.resource(field(object, 'resource', 'resource'));
    const list = asArray(field(object, 'scopeSpans', 'scope_spans'), 'scopeSpans');
    const scopeSpans: OtlpScopeSpans[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) scopeSpans[i] = within(`.scopeSpans[${i}]`, () => this.scopeSpans(list[i]));
    return { resource, scopeSpans };
  }

  private scopeSpans(value: unknown): OtlpScopeSpans {
    const object = asObject(value, '');
    const scope = this.scope(field(object, 'scope', 'scope'));
    const list = asArray(field(object, 'spans', 'spans'), 'spans');
    const spans: OtlpSpan[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      try {
        spans[i] = this.span(list[i]);
      } catch (error) {
        throw prefixPath(error, `.spans[${i}]`);
      }
    }
    return { scope, spans };
  }

  private span(value: unknown): OtlpSpan {
    this.spanCount++;
    const o = asObject(value, '');
    const parent = asHexId(field(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId');
    const statusValue = field(o, 'status', 'status');
    const status = statusValue === undefined ? undefined : asObject(statusValue, 'status');
    const span: OtlpSpan = {
      traceId: asHexId(field(o, 'traceId', 'trace_id'), 'traceId'),
      spanId: asHexId(field(o, 'spanId', 'span_id'), 'spanId'),
      parentSpanId: parent === '' ? null : parent,
      traceState: asString(field(o, 'traceState', 'trace_state'), 'traceState'),
      name: asString(field(o, 'name', 'name'), 'name'),
      kind: asEnum(field(o, 'kind', 'kind'), 'kind', SPAN_KIND_NAMES, 5),
      startTimeUnixNano: asUint64(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
      endTimeUnixNano: asUint64(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
      attributes: {},
      droppedAttributesCount: asUint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      events: [],
      links: [],
      statusCode: status === undefined ? 0 : (asEnum(field(status, 'code', 'code'), 'status.code', STATUS_CODE_NAMES, 2) as OtlpStatusCode),
      statusMessage: status === undefined ? '' : asString(field(status, 'message', 'message'), 'status.message'),
    };
    this.currentItem = span;
    span.attributes = this.attributes(field(o, 'attributes', 'attributes'), 0);
    // Past maxEvents / maxLinks, events and links are not looked at, only counted (issue 15 F5).
    const events = asArray(field(o, 'events', 'events'), 'events');
    const keptEvents = Math.min(events.length, this.maxEvents);
    for (let i = 0; i < keptEvents; i++) span.events.push(within(() => `.events[${i}]`, () => this.event(events[i])));
    const links = asArray(field(o, 'links', 'links'), 'links');
    const keptLinks = Math.min(links.length, this.maxLinks);
    for (let i = 0; i < keptLinks; i++) span.links.push(within(() => `.links[${i}]`, () => this.link(links[i])));
    const droppedEvents = events.length - keptEvents + asUint32(field(o, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount');
    const droppedLinks = links.length - keptLinks + asUint32(field(o, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount');
    if (droppedEvents > 0) span.droppedEventsCount = droppedEvents;
    if (droppedLinks > 0) span.droppedLinksCount = droppedLinks;
    this.currentItem = null;
    return span;
  }

  private event(value: unknown): OtlpEvent {
    const o = asObject(value, '');
    return {
      timeUnixNano: asUint64(field(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      name: asString(field(o, 'name', 'name'), 'name'),
      attributes: this.attributes(field(o, 'attributes', 'attributes'), 0),
    };
  }

  private link(value: unknown): OtlpLink {
    const o = asObject(value, '');
    return {
      traceId: asHexId(field(o, 'traceId', 'trace_id'), 'traceId'),
      spanId: asHexId(field(o, 'spanId', 'span_id'), 'spanId'),
      attributes: this.attributes(field(o, 'attributes', 'attributes'), 0),
    };
  }
}
