/**
 * A request body that cannot be decoded as an ExportTraceServiceRequest. The whole request is
 * refused with 400 (InvalidArgument) and this message goes into the `google.rpc.Status`.
 * Messages name the field (e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`) so a sender
 * can find the problem.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** What the decoders enforce while decoding. */
export interface DecodeLimits {
  /**
   * Deepest nesting of array/kvlist AnyValues (a scalar attribute value has depth 0, an array of
   * scalars depth 1). A span attribute nested deeper is not descended into: the span is marked
   * (see `DecodedTraceRequest.spanIssues`) and rejected by validation. Deeper nesting in
   * resource or scope attributes refuses the whole request.
   */
  maxNestingDepth: number;
  /**
   * Most attributes decoded per attribute list (a resource's, a span's, an event's, a link's, a
   * log record's). Past it the decoder skips the rest without building them (issue 15 F11: a
   * request of 10^6 attributes costs a walk over its bytes, not 10^6 objects): an item (span,
   * log record) with too many is marked `too_many_attributes` and rejected; a resource's extra
   * attributes are dropped. Absent: no limit.
   */
  maxAttributeCount?: number;
  /** Most events kept per span; later ones are skipped unbuilt and counted in `droppedEventsCount`. Absent: no limit. */
  maxEventsPerSpan?: number;
  /** Most links kept per span; later ones are skipped unbuilt and counted in `droppedLinksCount`. Absent: no limit. */
  maxLinksPerSpan?: number;
}

/** Why one item (span or log record) of a decoded request must be rejected, found while decoding. */
export interface SignalIssue {
  reason: 'nesting_too_deep' | 'too_many_attributes';
  message: string;
}

/** A span's decoding issue (the name the trace decoders and their callers use). */
export type SpanIssue = SignalIssue;
