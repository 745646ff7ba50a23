import type { CollectionPvtWrites, NsPvtWrites } from '../protocol/index.js';

/** Options of {@link TransientStore}. */
export interface TransientStoreOptions {
  /** Most transactions kept at once; the oldest go first. Default 10 000. */
  readonly maxEntries?: number;
  /** A transaction not committed within this many blocks of its arrival is dropped. Default 100. */
  readonly blocksToLive?: number;
}

interface Entry {
  readonly namespace: string;
  readonly collections: Map<string, CollectionPvtWrites>;
  readonly height: number;
}

/**
 * Private writes of endorsed transactions that are not committed yet, by channel and txid, in
 * memory only: the plaintext never touches disk until the block commits it into the private
 * store. Bounded in size, and entries expire `blocksToLive` blocks after they arrived (a
 * transaction that is never ordered must not keep its data forever).
 *
 * @example
 * const store = new TransientStore({ blocksToLive: 10 });
 * store.put('telecom', txId, writes, ledger.height);
 * store.get('telecom', txId)?.collections;
 */
export class TransientStore {
  readonly #max: number;
  readonly #ttl: number;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: Readonly<TransientStoreOptions> = {}) {
    this.#max = Math.max(1, Math.floor(opts.maxEntries ?? 10_000));
    this.#ttl = Math.max(1, Math.floor(opts.blocksToLive ?? 100));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keeps (or adds collections to) the private writes of a transaction received at `height`. */
  put(channel: string, txId: string, writes: NsPvtWrites, height: number): void {
    const id = `${channel}\u0000${txId}`;
    let entry = this.#entries.get(id);
    if (!entry || entry.namespace !== writes.namespace) {
      this.#entries.delete(id);
      entry = { namespace: writes.namespace, collections: new Map(), height };
      this.#entries.set(id, entry);
    }
    for (const c of writes.collections) entry.collections.set(c.collection, c);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get(channel: string, txId: string): NsPvtWrites | undefined {
    const entry = this.#entries.get(`${channel}\u0000${txId}`);
    return entry && { namespace: entry.namespace, collections: [...entry.collections.values()] };
  }

  delete(channel: string, txId: string): void {
    this.#entries.delete(`${channel}\u0000${txId}`);
  }

  /** Drops the entries of `channel` that arrived `blocksToLive` or more blocks before `height`. */
  expire(channel: string, height: number): void {
    const prefix = `${channel}\u0000`;
    for (const [id, entry] of this.#entries) {
      if (id.startsWith(prefix) && entry.height + this.#ttl <= height) this.#entries.delete(id);
    }
  }
}
