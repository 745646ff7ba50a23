import { create } from '@bufbuild/protobuf';
import {
  type ContractEvent,
  ContractEventSchema,
  KeyPolicyWriteSchema,
  KVReadSchema,
  KVWriteSchema,
  NsRwSetSchema,
  RangeQueryInfoSchema,
  type TxRwSet,
  TxRwSetSchema,
  VersionSchema,
} from '../protocol/index.js';
import type { VersionRef } from './types.js';
import { compareKeys } from './validateKey.js';

/** A write this transaction has made so far. */
export interface PendingWrite {
  readonly key: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
}

/** A range read in progress: the committed keys seen so far and whether the end was reached. */
export interface RangeRecord {
  readonly startKey: string;
  readonly endKey: string;
  readonly reads: Array<{ key: string; version: VersionRef }>;
  exhausted: boolean;
}

/**
 * Collects what one simulation reads and writes in one namespace, and builds the deterministic
 * read–write set: reads and writes sorted by key, the last write per key, range reads in the
 * order they were made.
 *
 * @example
 * const rec = new RwSetRecorder({ namespace: 'asset-registry' });
 * rec.recordRead('a', { block: 3, tx: 0 });
 * rec.write('b', utf8('1'));
 * rec.toRwSet(); // TxRwSet { ns: [{ namespace: 'asset-registry', reads: [a@3:0], writes: [b] }] }
 */
export class RwSetRecorder {
  readonly #namespace: string;
  readonly #reads = new Map<string, VersionRef | undefined>();
  readonly #writes = new Map<string, PendingWrite>();
  readonly #ranges: RangeRecord[] = [];
  readonly #keyPolicies = new Map<string, string>();
  readonly #events: ContractEvent[] = [];

  constructor(opts: Readonly<{ namespace: string }>) {
    this.#namespace = opts.namespace;
  }

  get namespace(): string {
    return this.#namespace;
  }

  /** Records the committed version of a key on its first read; later calls keep the first. */
  recordRead(key: string, version: VersionRef | undefined): void {
    if (!this.#reads.has(key)) this.#reads.set(key, version);
  }

  hasRead(key: string): boolean {
    return this.#reads.has(key);
  }

  write(key: string, value: Uint8Array): void {
    this.#writes.set(key, { key, value, isDelete: false });
  }

  delete(key: string): void {
    this.#writes.set(key, { key, value: new Uint8Array(0), isDelete: true });
  }

  /** This transaction's latest write of `key`, if any. */
  pendingWrite(key: string): PendingWrite | undefined {
    return this.#writes.get(key);
  }

  /** This transaction's writes (including deletes) in [startKey, endKey), sorted by key. */
  pendingWritesInRange(startKey: string, endKey: string): PendingWrite[] {
    return [...this.#writes.values()]
      .filter((w) => compareKeys(w.key, startKey) >= 0 && (endKey === '' || compareKeys(w.key, endKey) < 0))
      .sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Starts recording a range read. */
  beginRange(startKey: string, endKey: string): RangeRecord {
    const record: RangeRecord = { startKey, endKey, reads: [], exhausted: false };
    this.#ranges.push(record);
    return record;
  }

  /** Sets a key's endorsement policy text; '' clears it. */
  setKeyPolicy(key: string, policy: string): void {
    this.#keyPolicies.set(key, policy);
  }

  /** The key policy this transaction set for `key` ('' when it cleared it), if any. */
  pendingKeyPolicy(key: string): string | undefined {
    return this.#keyPolicies.get(key);
  }

  emit(name: string, payload: Uint8Array): void {
    this.#events.push(create(ContractEventSchema, { name, payload }));
  }

  /** The events emitted so far, in order. */
  events(): ContractEvent[] {
    return [...this.#events];
  }

  /** The read–write set with this namespace's reads, range reads, writes and key policies. */
  toRwSet(): TxRwSet {
    const sortedKeys = <V>(m: Map<string, V>) => [...m.keys()].sort(compareKeys);
    const reads = sortedKeys(this.#reads).map((key) => kvRead(key, this.#reads.get(key)));
    const writes = sortedKeys(this.#writes).map((key) => {
      const w = this.#writes.get(key)!;
      return create(KVWriteSchema, { key, value: w.value, isDelete: w.isDelete });
    });
    const rangeQueries = this.#ranges.map((r) =>
      create(RangeQueryInfoSchema, {
        startKey: r.startKey,
        endKey: r.endKey,
        exhausted: r.exhausted,
        reads: r.reads.map((read) => kvRead(read.key, read.version)),
      }),
    );
    const keyPolicies = sortedKeys(this.#keyPolicies).map((key) =>
      create(KeyPolicyWriteSchema, { key, policy: this.#keyPolicies.get(key)! }),
    );
    const ns = create(NsRwSetSchema, {
      namespace: this.#namespace,
      reads,
      rangeQueries,
      writes,
      keyPolicies,
    });
    return create(TxRwSetSchema, { ns: [ns] });
  }
}

function kvRead(key: string, version: VersionRef | undefined) {
  return version === undefined
    ? create(KVReadSchema, { key })
    : create(KVReadSchema, {
        key,
        version: create(VersionSchema, { block: BigInt(version.block), tx: version.tx }),
      });
}
