import { toHex } from '../common/index.js';
import { type NsPvtWrites, privateKeyHash, type TxRwSet } from '../protocol/index.js';
import type { PrivateEntry } from './privateTypes.js';
import type { HistoryEntry, StateEntry, StateReader, VersionRef } from './types.js';
import { compareKeys } from './validateKey.js';

/** Options of {@link MemoryState.commit}. */
export interface MemoryCommitOptions {
  readonly txId?: string;
  /** Milliseconds since the epoch, recorded in history. Default 0. */
  readonly timestamp?: number;
  /** The simulation's plaintext private writes, kept as a member peer would keep them. */
  readonly privateWrites?: NsPvtWrites | undefined;
}

/**
 * An in-memory world state with history, for testing contracts with {@link simulate}: it is a
 * StateReader, `history` is a history reader, and `commit` applies a simulation's write set as
 * the next block, the way a peer would after validation (without MVCC checks).
 *
 * @example
 * const state = new MemoryState();
 * const sim = await simulate({ definition, fn: 'createAsset', argsJson, info, state, history: state.history });
 * state.commit(sim.rwset, { txId: info.txId });
 */
export class MemoryState implements StateReader {
  readonly #entries = new Map<string, Map<string, StateEntry>>();
  readonly #policies = new Map<string, Map<string, string>>();
  readonly #histories = new Map<string, Map<string, HistoryEntry[]>>();
  /** Private data by `ns \0 collection \0 hex(keyHash)`. */
  readonly #private = new Map<string, PrivateEntry>();
  #lastBlock = 0;

  /** Sets a key directly, with the version it should appear to have been committed at. */
  set(ns: string, key: string, value: Uint8Array, version: VersionRef): void {
    inner(this.#entries, ns).set(key, { key, value: new Uint8Array(value), version });
    this.#lastBlock = Math.max(this.#lastBlock, version.block);
  }

  /** Sets (or with undefined clears) a key's endorsement policy directly. */
  setKeyPolicy(ns: string, key: string, policy: string | undefined): void {
    if (policy === undefined) inner(this.#policies, ns).delete(key);
    else inner(this.#policies, ns).set(key, policy);
  }

  /** Appends a history entry directly. */
  addHistory(ns: string, key: string, entry: HistoryEntry): void {
    const byKey = inner(this.#histories, ns);
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }

  getState(ns: string, key: string): StateEntry | undefined {
    return this.#entries.get(ns)?.get(key);
  }

  rangeState(ns: string, startKey: string, endKey: string): Iterable<StateEntry> {
    const entries = [...(this.#entries.get(ns)?.values() ?? [])]
      .filter((e) => compareKeys(e.key, startKey) >= 0 && (endKey === '' || compareKeys(e.key, endKey) < 0))
      .sort((a, b) => compareKeys(a.key, b.key));
    return entries;
  }

  getKeyPolicy(ns: string, key: string): string | undefined {
    return this.#policies.get(ns)?.get(key);
  }

  /** Private data of a key hash: the hashed state, with the value when it was committed here. */
  getPrivateEntry(ns: string, collection: string, keyHash: Uint8Array): PrivateEntry | undefined {
    return this.#private.get(`${ns}\u0000${collection}\u0000${toHex(keyHash)}`);
  }

  /** The committed history of a key, oldest first (a history reader). */
  readonly history = (ns: string, key: string): HistoryEntry[] => [
    ...(this.#histories.get(ns)?.get(key) ?? []),
  ];

  /** Applies the writes and key policies of `rwset` as transaction 0 of the next block. */
  commit(rwset: TxRwSet, opts: Readonly<MemoryCommitOptions> = {}): VersionRef {
    const version: VersionRef = { block: this.#lastBlock + 1, tx: 0 };
    this.#lastBlock = version.block;
    for (const ns of rwset.ns) {
      for (const w of ns.writes) {
        if (w.isDelete) inner(this.#entries, ns.namespace).delete(w.key);
        else this.set(ns.namespace, w.key, w.value, version);
        this.addHistory(ns.namespace, w.key, {
          blockNumber: version.block,
          txIndex: version.tx,
          txId: opts.txId ?? `tx-${version.block}`,
          timestamp: opts.timestamp ?? 0,
          isDelete: w.isDelete,
          ...(w.isDelete ? {} : { value: new Uint8Array(w.value) }),
        });
      }
      for (const p of ns.keyPolicies)
        this.setKeyPolicy(ns.namespace, p.key, p.policy === '' ? undefined : p.policy);
      for (const c of ns.collections) {
        const plain = opts.privateWrites?.collections.find((x) => x.collection === c.collection);
        for (const w of c.writes) {
          const id = `${ns.namespace}\u0000${c.collection}\u0000${toHex(w.keyHash)}`;
          if (w.isDelete) {
            this.#private.delete(id);
            continue;
          }
          const value = plain?.writes.find((p) => toHex(privateKeyHash(p.key)) === toHex(w.keyHash))?.value;
          this.#private.set(id, {
            version,
            valueHash: new Uint8Array(w.valueHash),
            ...(value ? { value: new Uint8Array(value) } : {}),
          });
        }
      }
    }
    return version;
  }
}

function inner<V>(outer: Map<string, Map<string, V>>, ns: string): Map<string, V> {
  let m = outer.get(ns);
  if (m === undefined) {
    m = new Map();
    outer.set(ns, m);
  }
  return m;
}
