import { createHash } from 'node:crypto';
import type { Database } from 'lmdb';
import { bytesEqual, ConsortiaError, toHex } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { type PvtWrite, privateKeyHash } from '../protocol/index.js';
import { LedgerErrorCodes } from './errors.js';
import {
  decodeHashed,
  decodeMissingKey,
  encodeHashed,
  hashedBounds,
  hashedDigestPart,
  hashedKey,
  type MissingPrivateData,
  missingBounds,
  missingKey,
  type PrivateBatch,
  splitKeyPart,
} from './privateBatch.js';
import { PrivateValueFile, type ValueRef } from './privateValueFile.js';

type BinDb = Database<Buffer, Buffer>;

/** The plaintext writes of one collection of one transaction of a block. */
export interface BlockCollectionValues {
  readonly tx: number;
  readonly namespace: string;
  readonly collection: string;
  readonly writes: readonly PvtWrite[];
}

/** What a member peer hands the ledger with a block: plaintext it received, and what it lacks. */
export interface BlockPrivateData {
  readonly values: readonly BlockCollectionValues[];
  /** Collections of valid transactions that this peer's org is a member of but whose data it lacks. */
  readonly missing: readonly {
    readonly tx: number;
    readonly namespace: string;
    readonly collection: string;
  }[];
}

/** A private key as a peer holds it: hashed state, and the value on a member that has it. */
export interface PrivateEntry {
  readonly version: { readonly block: number; readonly tx: number };
  readonly valueHash: Uint8Array;
  readonly value?: Uint8Array;
}

/** A private value a member received late (by reconciliation), with what it must match. */
export interface ReconciledValue {
  readonly namespace: string;
  readonly collection: string;
  readonly block: number;
  readonly tx: number;
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * The private data of one ledger: the hashed state every peer keeps (in the ledger's LMDB, in
 * the block's transaction) and, on member peers, the plaintext values (in a value file that is
 * erased in place). See docs/private-data.md.
 *
 * @example
 * const entry = ledger.privateData.get('private-notes', 'telco-ab', privateKeyHash('note-1'));
 * entry?.value; // plaintext on a member peer that has it
 */
export class PrivateStore {
  readonly #db: BinDb;
  readonly #values: PrivateValueFile;

  constructor(opts: Readonly<{ dir: string; db: BinDb }>) {
    this.#db = opts.db;
    this.#values = new PrivateValueFile({ dir: opts.dir });
    let referenced: Set<number> | undefined;
    this.#values.sweep((offset) => {
      referenced ??= this.#referenced();
      return referenced.has(offset);
    });
  }

  /** Offsets of every value record the hashed state refers to. */
  #referenced(): Set<number> {
    const out = new Set<number>();
    const { start, end } = hashedBounds();
    for (const { value } of this.#db.getRange({ start, end, snapshot: true })) {
      const ref = decodeHashed(value).ref;
      if (ref) out.add(ref.offset);
    }
    return out;
  }

  /**
   * The hashed entry of a private key, with its plaintext when this peer holds it. Throws
   * LEDGER_CORRUPT when the stored value no longer matches its hash.
   *
   * @example
   * store.get('private-notes', 'telco-ab', privateKeyHash('note-1'))?.valueHash;
   */
  get(ns: string, collection: string, keyHash: Uint8Array): PrivateEntry | undefined {
    const b = this.#db.getBinary(hashedKey(ns, collection, keyHash));
    if (b === undefined) return undefined;
    const e = decodeHashed(b);
    const base = { version: e.version, valueHash: e.valueHash };
    if (!e.ref) return base;
    const { value } = this.#values.read(e.ref);
    if (!bytesEqual(sha256(value), e.valueHash)) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CORRUPT,
        `the private value of a key of collection ${collection} does not match its hash`,
        { file: this.#values.file, namespace: ns, collection },
      );
    }
    return { ...base, value };
  }

  /**
   * The plaintext key and value of a key hash, only when this peer holds it at `version`
   * (answers a reconciling member).
   */
  getAt(
    ns: string,
    collection: string,
    keyHash: Uint8Array,
    version: { block: number; tx: number },
  ): { key: string; value: Uint8Array } | undefined {
    const b = this.#db.getBinary(hashedKey(ns, collection, keyHash));
    if (b === undefined) return undefined;
    const e = decodeHashed(b);
    if (!e.ref || e.version.block !== version.block || e.version.tx !== version.tx) return undefined;
    const rec = this.#values.read(e.ref);
    if (!bytesEqual(sha256(rec.value), e.valueHash) || !bytesEqual(privateKeyHash(rec.key), keyHash)) {
      return undefined;
    }
    return rec;
  }

  /**
   * Appends the plaintext of a block's hashed writes that `data` supplies and that match their
   * hashes (others are ignored), and records what `data` says is missing; fsyncs. Runs before
   * the block's LMDB transaction, which then refers to the new records.
   */
  stage(batch: PrivateBatch, block: number, data: BlockPrivateData | undefined): void {
    if (data === undefined) return;
    for (const m of data.missing) batch.missing.push({ block, ...m });
    if (data.values.length === 0) return;
    const byId = new Map<string, PvtWrite>();
    for (const v of data.values) {
      for (const w of v.writes) {
        byId.set(`${v.tx}\0${v.namespace}\0${v.collection}\0${toHex(privateKeyHash(w.key))}`, w);
      }
    }
    for (const op of batch.writes) {
      if (op.isDelete) continue;
      const w = byId.get(`${op.tx}\0${op.namespace}\0${op.collection}\0${toHex(op.keyHash)}`);
      if (!w || w.isDelete || !bytesEqual(sha256(w.value), op.valueHash)) continue;
      op.ref = this.#values.append(w.key, w.value);
      batch.staged.push(op.ref);
    }
    if (batch.staged.length > 0) this.#values.sync();
  }

  /** After the block's transaction: erases obsolete records (or, when it failed, the staged ones). */
  afterCommit(batch: PrivateBatch, committed: boolean): void {
    try {
      this.#values.erase(committed ? batch.erase : batch.staged);
    } catch {
      // The records are no longer referenced: the sweep when the ledger next opens erases them.
    }
  }

  /** Collections this member peer missed, oldest first. */
  missing(): MissingPrivateData[] {
    const { start, end } = missingBounds();
    return [...this.#db.getRange({ start, end, snapshot: true })].map(({ key }) => decodeMissingKey(key));
  }

  /** Forgets a missing record (reconciled, or obsolete because the keys changed since). */
  resolveMissing(m: MissingPrivateData): void {
    this.#db.transactionSync(() => {
      this.#db.removeSync(missingKey(m));
    });
  }

  /**
   * Stores values pulled from another member peer: each must match the current hashed entry
   * (same version and value hash, key hash of its key) and not be held yet. Returns how many it
   * stored.
   */
  storeReconciled(values: readonly ReconciledValue[]): number {
    const accepted: { hKey: Buffer; v: ReconciledValue; ref: ValueRef }[] = [];
    for (const v of values) {
      const hKey = hashedKey(v.namespace, v.collection, privateKeyHash(v.key));
      const b = this.#db.getBinary(hKey);
      if (b === undefined) continue;
      const e = decodeHashed(b);
      if (e.ref || e.version.block !== v.block || e.version.tx !== v.tx) continue;
      if (!bytesEqual(sha256(v.value), e.valueHash)) continue;
      accepted.push({ hKey, v, ref: this.#values.append(v.key, v.value) });
    }
    if (accepted.length === 0) return 0;
    this.#values.sync();
    const unused: ValueRef[] = [];
    let stored = 0;
    this.#db.transactionSync(() => {
      for (const a of accepted) {
        const b = this.#db.getBinary(a.hKey);
        const e = b === undefined ? undefined : decodeHashed(b);
        if (!e || e.ref || e.version.block !== a.v.block || e.version.tx !== a.v.tx) {
          unused.push(a.ref);
          continue;
        }
        this.#db.putSync(a.hKey, encodeHashed(e.version.block, e.version.tx, e.valueHash, a.ref));
        stored++;
      }
    });
    this.#values.erase(unused);
    return stored;
  }

  /**
   * The current entries of a collection whose value this peer does not hold: what a member peer
   * still has to reconcile (after a missed dissemination, a crash between appending a block and
   * applying it, or an index rebuild).
   */
  unheld(ns: string, collection: string): { keyHash: string; block: number; tx: number }[] {
    const { start, end } = hashedBounds(ns, collection);
    const out: { keyHash: string; block: number; tx: number }[] = [];
    for (const { key, value } of this.#db.getRange({ start, end, snapshot: true })) {
      const e = decodeHashed(value);
      if (!e.ref) out.push({ keyHash: toHex(splitKeyPart(key.subarray(1)).keyHash), ...e.version });
    }
    return out;
  }

  /**
   * Hex SHA-256 of the hashed state (keys, versions and value hashes, without member-only value
   * references): equal on every peer of the channel, members or not.
   */
  hashedDigest(): string {
    const h = createHash('sha256');
    const { start, end } = hashedBounds();
    for (const { key, value } of this.#db.getRange({ start, end, snapshot: true })) {
      h.update(hashedDigestPart(key, value));
    }
    return h.digest('hex');
  }

  close(): void {
    this.#values.close();
  }
}
