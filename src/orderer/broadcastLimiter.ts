import { ConsortiaError } from '../common/index.js';

export interface BroadcastLimiterOptions {
  /** Envelopes per second one client may sustain (default 2000). */
  readonly ratePerSecond?: number;
  /** Envelopes one client may send at once above the rate (default 4000). */
  readonly burst?: number;
  /** Envelopes of one client accepted but not yet acknowledged (default 2000). */
  readonly maxInFlight?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
}

/**
 * Per-client admission control for broadcast, so a client that floods an orderer cannot starve
 * the others: each client (the envelope creator) has a token bucket (rate and burst) and a cap on
 * envelopes in flight. Over either limit, broadcast fails fast with RATE_LIMITED and the client
 * retries later; other clients are not slowed down.
 *
 * @example
 * const release = limiter.acquire(creatorKey); // throws RATE_LIMITED
 * try { await order(envelope); } finally { release(); }
 */
export class BroadcastLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxInFlight: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(opts: Readonly<BroadcastLimiterOptions> = {}) {
    this.#rate = opts.ratePerSecond ?? 2000;
    this.#burst = opts.burst ?? 4000;
    this.#maxInFlight = opts.maxInFlight ?? 2000;
    this.#now = opts.now ?? Date.now;
  }

  /** Takes one envelope's admission for `client`; returns the function that ends it. */
  acquire(client: string): () => void {
    const now = this.#now();
    let b = this.#buckets.get(client);
    if (!b) {
      if (this.#buckets.size > 10_000) this.#evictIdle(now);
      b = { tokens: this.#burst, at: now, inFlight: 0 };
      this.#buckets.set(client, b);
    }
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000);
    b.at = now;
    if (b.inFlight >= this.#maxInFlight) {
      throw new ConsortiaError(
        'RATE_LIMITED',
        `this client has ${b.inFlight} envelopes waiting to be ordered; wait for acknowledgements before sending more`,
        { inFlight: b.inFlight },
      );
    }
    if (b.tokens < 1) {
      throw new ConsortiaError(
        'RATE_LIMITED',
        `this client sends more than ${this.#rate} envelopes per second; slow down and retry`,
        { ratePerSecond: this.#rate },
      );
    }
    b.tokens -= 1;
    b.inFlight++;
    const bucket = b;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bucket.inFlight--;
    };
  }

  #evictIdle(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.inFlight === 0 && now - b.at > 60_000) this.#buckets.delete(k);
    }
  }
}
