import { create } from '@bufbuild/protobuf';
import { bytesEqual, canonicalJson, toBase64, toHex, utf8 } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import {
  type CollectionHashedRwSet,
  CollectionHashedRwSetSchema,
  type HashedRead,
  HashedReadSchema,
  HashedWriteSchema,
  VersionSchema,
} from './gen/consortia_pb.js';

/** One plaintext write of a private key: a put, a delete, or a purge (a delete that also erases). */
export interface PvtWrite {
  readonly key: string;
  /** The value put; empty for a delete or purge. */
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  readonly isPurge: boolean;
}

/** The plaintext writes of one transaction in one collection. */
export interface CollectionPvtWrites {
  readonly collection: string;
  readonly writes: readonly PvtWrite[];
}

/** The plaintext writes of one transaction in the collections of one contract (namespace). */
export interface NsPvtWrites {
  readonly namespace: string;
  readonly collections: readonly CollectionPvtWrites[];
}

const EMPTY = new Uint8Array(0);

/**
 * SHA-256 of a private key's UTF-8 bytes: what the public read–write set and the hashed state
 * carry instead of the key.
 *
 * @example
 * toHex(privateKeyHash('note-1')); // 64 hex digits
 */
export function privateKeyHash(key: string): Uint8Array {
  return sha256(utf8(key));
}

/**
 * SHA-256 of a private value; empty for a delete or purge (which carry no value).
 *
 * @example
 * privateValueHash({ key: 'k', value: utf8('{"a":1}'), isDelete: false, isPurge: false });
 */
export function privateValueHash(w: PvtWrite): Uint8Array {
  return w.isDelete || w.isPurge ? EMPTY : sha256(w.value);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** The writes sorted by key hash (the order of the hashed write set). */
function sortedWrites(c: CollectionPvtWrites): { hash: Uint8Array; w: PvtWrite }[] {
  return c.writes
    .map((w) => ({ hash: privateKeyHash(w.key), w }))
    .sort((a, b) => compareBytes(a.hash, b.hash));
}

/**
 * The canonical bytes of one collection's plaintext writes (canonical JSON, writes in key-hash
 * order, values in base64). Its SHA-256 is the `pvt_rwset_hash` of the hashed write set.
 *
 * @example
 * const bytes = encodeCollectionPvtWrites({ collection: 'telco-ab', writes });
 */
export function encodeCollectionPvtWrites(c: CollectionPvtWrites): Uint8Array {
  return utf8(
    canonicalJson({
      collection: c.collection,
      writes: sortedWrites(c).map(({ w }) => ({
        key: w.key,
        value: toBase64(w.value),
        isDelete: w.isDelete,
        isPurge: w.isPurge,
      })),
    }),
  );
}

/**
 * SHA-256 of {@link encodeCollectionPvtWrites}: binds the plaintext to the endorsed hashes.
 *
 * @example
 * bytesEqual(collectionPvtHash(pvt), hashed.pvtRwsetHash); // true when pvt is what was endorsed
 */
export function collectionPvtHash(c: CollectionPvtWrites): Uint8Array {
  return sha256(encodeCollectionPvtWrites(c));
}

/** One hashed read of a private key: the version the endorser saw, absent when the key did not exist. */
export interface PvtReadInput {
  readonly keyHash: Uint8Array;
  readonly version?: { readonly block: number; readonly tx: number } | undefined;
}

/**
 * The hashed read–write set of one collection, as the public read–write set carries it: reads
 * and writes in key-hash order, values replaced by their SHA-256, and the hash of the plaintext
 * writes.
 *
 * @example
 * ns.collections.push(hashedCollection({ collection: 'telco-ab', writes }, reads));
 */
export function hashedCollection(
  pvt: CollectionPvtWrites,
  reads: readonly PvtReadInput[],
): CollectionHashedRwSet {
  const sortedReads = [...reads].sort((a, b) => compareBytes(a.keyHash, b.keyHash));
  return create(CollectionHashedRwSetSchema, {
    collection: pvt.collection,
    reads: sortedReads.map((r) => hashedRead(r)),
    writes: sortedWrites(pvt).map(({ hash, w }) =>
      create(HashedWriteSchema, {
        keyHash: hash,
        valueHash: privateValueHash(w),
        isDelete: w.isDelete || w.isPurge,
        isPurge: w.isPurge,
      }),
    ),
    pvtRwsetHash: pvt.writes.length === 0 ? EMPTY : collectionPvtHash(pvt),
  });
}

function hashedRead(r: PvtReadInput): HashedRead {
  return r.version === undefined
    ? create(HashedReadSchema, { keyHash: r.keyHash })
    : create(HashedReadSchema, {
        keyHash: r.keyHash,
        version: create(VersionSchema, { block: BigInt(r.version.block), tx: r.version.tx }),
      });
}

/**
 * Whether plaintext writes are exactly those a hashed write set commits to: the same keys,
 * values, delete and purge flags, and the same `pvt_rwset_hash`. A peer stores private data only
 * when this holds.
 *
 * @example
 * if (!matchesHashedWrites(received, tx.responsePayload.results.ns[0].collections[0])) markMissing();
 */
export function matchesHashedWrites(pvt: CollectionPvtWrites, hashed: CollectionHashedRwSet): boolean {
  if (pvt.collection !== hashed.collection || pvt.writes.length !== hashed.writes.length) return false;
  if (pvt.writes.length === 0) return true;
  if (!bytesEqual(collectionPvtHash(pvt), hashed.pvtRwsetHash)) return false;
  const mine = sortedWrites(pvt);
  return hashed.writes.every((h, i) => {
    const m = mine[i]!;
    return (
      bytesEqual(h.keyHash, m.hash) &&
      bytesEqual(h.valueHash, privateValueHash(m.w)) &&
      h.isDelete === (m.w.isDelete || m.w.isPurge) &&
      h.isPurge === m.w.isPurge
    );
  });
}

/** Hex of a key hash, for messages and logs. */
export function keyHashHex(keyHash: Uint8Array): string {
  return toHex(keyHash);
}
