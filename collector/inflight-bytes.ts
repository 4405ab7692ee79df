/** Past `collector.maxInflightBytes`: the request is refused with 503 + Retry-After (retryable). */
export class InflightBytesExceededError extends Error {
  override readonly name = 'InflightBytesExceededError';
  constructor(maxBytes: number) {
    super(`too many request bytes are being read at once (collector.maxInflightBytes = ${maxBytes}); retry later`);
  }
}

/**
 * Past `collector.maxInflightBytesPerClient`: this client already holds its share of the budget
 * in other requests; refused with 429 + Retry-After so one sender cannot starve the others.
 */
export class ClientInflightBytesExceededError extends Error {
  override readonly name = 'ClientInflightBytesExceededError';
  constructor(maxBytes: number) {
    super(`this client has too many request bytes being read at once (collector.maxInflightBytesPerClient = ${maxBytes}); retry later`);
  }
}

/** One request's share of the budget: grows as its body is read and decompressed. */
export interface InflightLease {
  /**
   * Adds `bytes` (bytes actually received or inflated, never a declared length) to this
   * request's share; throws InflightBytesExceededError past the whole budget or
   * ClientInflightBytesExceededError past the client's share.
   */
  take(bytes: number): void;
  /** Gives this request's share back (idempotent). */
  release(): void;
}

/**
 * Bounds the request bytes held at once by requests in progress (bodies as received plus their
 * decompressed form), whatever the number of open connections: memory is then at most about
 * `maxBytes` (and its decoded form) instead of maxBodyBytes × connections. Only bytes actually
 * held are charged, so a connection that declares a large Content-Length and trickles holds
 * nothing it has not sent.
 *
 * Two rules, each with the same exception so that one large request (≤ collector.maxBodyBytes)
 * is never refused forever:
 * - all requests together hold at most `maxBytes`, unless this request is the only one holding bytes;
 * - the requests of one client (its address) hold at most `maxBytesPerClient`, unless this
 *   request is that client's only one holding bytes.
 */
export class InflightBytes {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    readonly maxBytes: number,
    readonly maxBytesPerClient: number = maxBytes,
  ) {}

  /** Bytes currently held by requests in progress. */
  get bytes(): number {
    return this.total;
  }

  /** Bytes currently held by the requests of `client`. */
  clientBytes(client: string): number {
    return this.byClient.get(client) ?? 0;
  }

  /** A share for one request from `client` (its remote address; '' when unknown). */
  lease(client = ''): InflightLease {
    let held = 0;
    let released = false;
    return {
      take: (bytes) => {
        if (released || bytes <= 0) return;
        const clientHeld = this.byClient.get(client) ?? 0;
        if (this.total + bytes > this.maxBytes && this.total > held) throw new InflightBytesExceededError(this.maxBytes);
        if (clientHeld + bytes > this.maxBytesPerClient && clientHeld > held) throw new ClientInflightBytesExceededError(this.maxBytesPerClient);
        this.total += bytes;
        this.byClient.set(client, clientHeld + bytes);
        held += bytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.total -= held;
        const left = (this.byClient.get(client) ?? 0) - held;
        if (left <= 0) this.byClient.delete(client);
        else this.byClient.set(client, left);
        held = 0;
      },
    };
  }
}

/**
 * At most `limit` decompressions run at once (each holds a zlib stream and its output); the
 * others wait. Bounds the memory and thread-pool time a burst of compressed bodies (gzip bombs
 * included) can take, whatever the number of connections. A free slot goes to the waiting
 * clients in turn (round robin by client, arrival order within one client), so one client's
 * hundred queued bodies do not delay another client's single one by a hundred inflations.
 */
export class InflationSlots {
  private running = 0;
  /** Waiting starts by client, in the order the clients first queued (Map keeps insertion order). */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly limit: number) {}

  /** Runs `work` for `client` once a slot is free; the slot is given back when it settles. */
  async run<T>(client: string, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(client);
        if (queue) queue.push(resolve);
        else this.waiting.set(client, [resolve]);
      });
    } else this.running++;
    try {
      return await work();
    } finally {
      this.passOn();
    }
  }

  /** Hands the freed slot to the first waiting client, which then goes to the back of the line. */
  private passOn(): void {
    const first = this.waiting.entries().next();
    if (first.done) {
      this.running--;
      return;
    }
    const [client, queue] = first.value;
    const next = queue.shift()!;
    this.waiting.delete(client);
    if (queue.length > 0) this.waiting.set(client, queue);
    next(); // the slot passes straight to it
  }
}
