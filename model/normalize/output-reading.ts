/**
 * What one content source says about a model response. A source that is absent on a span
 * yields null instead of a reading; within a reading, null means "this source does not say".
 */
export interface OutputReading {
  /** Assistant text ('' when the response carried no text, e.g. only tool calls). */
  text: string | null;
  /** Tools the model asked to call, in order. */
  toolCallNames: string[] | null;
  /** Raw (not yet normalised) finish reason of the first choice. */
  finishReason: string | null;
}
