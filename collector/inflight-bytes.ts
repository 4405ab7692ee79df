/** Past `collector.maxInflightBytes`: the request is refused with 503 + Retry-After (retryable). */
export class InflightBytesExceededError extends Error {
  override readonly name = 'InflightBytesExceededError';
  constructor(maxBytes: number) {
    super(`too many request bytes are being read at once (collector.maxInflightBytes = ${maxBytes}); retry later`);
  }
}

/** One request's share of the budget: grows as its body is read and decompressed. */
export interface InflightLease {
  /** Adds `bytes` to this request's share; throws InflightBytesExceededError past the budget. */
  take(bytes: number): void;
  /** Gives this request's share back (idempotent). */
  release(): void;
}

/**
 * Bounds the request bytes held at once by requests in progress (bodies as received plus their
 * decompressed form), whatever the number of open connections: memory is then at most about
 * `maxBytes` (and its decoded form) instead of maxBodyBytes × connections. A request whose
 * share alone would pass the budget is still taken when no other request holds bytes, so one
 * large request (≤ collector.maxBodyBytes) is never refused forever.
 */
export class InflightBytes {
  private total = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes currently held by requests in progress. */
  get bytes(): number {
    return this.total;
  }

  lease(): InflightLease {
    let held = 0;
    let released = false;
    return {
      take: (bytes) => {
        if (released || bytes <= 0) return;
        if (this.total + bytes > this.maxBytes && this.total > held) throw new InflightBytesExceededError(this.maxBytes);
        this.total += bytes;
        held += bytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.total -= held;
        held = 0;
      },
    };
  }
}
