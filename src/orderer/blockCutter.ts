import type { BatchConfig } from '../protocol/index.js';

/**
 * Groups ordered envelopes into batches by count and bytes, as Fabric's block cutter does. The
 * caller owns the timeout: when it fires it calls `cut()`. An envelope larger than maxBytes on
 * its own goes into a batch by itself.
 */
export class BlockCutter {
  #config: BatchConfig;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(config: Readonly<BatchConfig>) {
    this.#config = config;
  }

  setConfig(config: Readonly<BatchConfig>): void {
    this.#config = config;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Adds an envelope and returns the batches that became complete (zero, one or two). */
  ordered(envelope: Uint8Array): Uint8Array[][] {
    const batches: Uint8Array[][] = [];
    const size = envelope.byteLength;
    if (size > this.#config.maxBytes) {
      if (this.#pending.length > 0) batches.push(this.cut());
      batches.push([envelope]);
      return batches;
    }
    if (this.#pendingBytes + size > this.#config.maxBytes) batches.push(this.cut());
    this.#pending.push(envelope);
    this.#pendingBytes += size;
    if (this.#pending.length >= this.#config.maxMessageCount) batches.push(this.cut());
    return batches;
  }

  /** Returns the pending envelopes as a batch (possibly empty) and starts a new one. */
  cut(): Uint8Array[] {
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    return batch;
  }
}
