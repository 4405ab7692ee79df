import type { NormalizedSpan } from '../../../model/span.js';

/**
 * The first exception event of a span (named `exception`, or carrying `exception.type` or
 * `exception.message`), with its type (`exception` when unnamed) and message ('' when none);
 * null when the span has none.
 */
export function readExceptionEvent(span: NormalizedSpan): { type: string; message: string } | null {
  for (const event of span.events) {
    if (event.name !== 'exception' && !('exception.type' in event.attributes) && !('exception.message' in event.attributes)) continue;
    const type = event.attributes['exception.type'];
    const message = event.attributes['exception.message'];
    return { type: typeof type === 'string' ? type : 'exception', message: typeof message === 'string' ? message : '' };
  }
  return null;
}
