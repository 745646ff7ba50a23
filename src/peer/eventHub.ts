import type { ContractEventRecord } from './types.js';

/** A committed block, as event listeners see it. */
export interface BlockEvent {
  readonly channel: string;
  readonly number: number;
  readonly hash: Uint8Array;
  readonly txs: readonly {
    readonly txId: string;
    readonly index: number;
    readonly validationCode: number;
    readonly events: readonly ContractEventRecord[];
  }[];
}

type Listener = (e: BlockEvent) => void;

/**
 * Fan-out of committed blocks to listeners, and per-transaction commit waiters. Listeners run
 * synchronously after each commit and must not throw (errors are swallowed per listener).
 */
export class EventHub {
  readonly #listeners = new Set<Listener>();
  readonly #waiters = new Map<string, Set<(r: { blockNumber: number; validationCode: number }) => void>>();

  /** Registers a listener; returns a function that removes it. */
  onBlock(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when `txId` commits on `channel` (valid or not). */
  waitForTx(
    channel: string,
    txId: string,
    signal?: AbortSignal,
  ): Promise<{ blockNumber: number; validationCode: number }> {
    const key = `${channel}/${txId}`;
    return new Promise((resolve, reject) => {
      let set = this.#waiters.get(key);
      if (!set) {
        set = new Set();
        this.#waiters.set(key, set);
      }
      const done = (r: { blockNumber: number; validationCode: number }) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = () => {
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(key);
        reject(signal?.reason ?? new Error('aborted'));
      };
      set.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  publish(e: BlockEvent): void {
    for (const tx of e.txs) {
      const key = `${e.channel}/${tx.txId}`;
      const set = this.#waiters.get(key);
      if (set) {
        this.#waiters.delete(key);
        for (const w of set) w({ blockNumber: e.number, validationCode: tx.validationCode });
      }
    }
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a faulty listener must not stop commits or other listeners
      }
    }
  }
}
