import type { Database } from 'lmdb';
import { toHex } from '../common/index.js';
import { type ChannelConfig, decodeChannelConfig, type NsRwSet } from '../protocol/index.js';
import { decodeVersion, encodeStateValue, readU64, u64Key, VERSION_BYTES } from './keys.js';
import type { ValueRef } from './privateValueFile.js';

type BinDb = Database<Buffer, Buffer>;

/*
 * Layout of the `private` LMDB database (one per ledger, written in the block's transaction):
 *   'h' ns \0 collection \0 keyHash(32)          → version(12) ‖ valueHash(32) [‖ offset u64 ‖ length u32]
 *   'p' expiry u64 ‖ ns \0 collection \0 keyHash → version(12)          (blockToLive purge schedule)
 *   'm' block u64 ‖ tx u32 ‖ ns \0 collection    → ''                   (private data this peer missed)
 * Every peer keeps 'h' and 'p' (the hashed state); only members have value references, which
 * point into the value file. Plaintext keys and values never enter LMDB.
 */
const HASHED = 0x68; // 'h'
const SCHEDULE = 0x70; // 'p'
const MISSING = 0x6d; // 'm'
const HASH_BYTES = 32;
const EMPTY = Buffer.alloc(0);

/** One hashed write of a valid transaction, with the value reference once staged. */
export interface HashedWriteOp {
  readonly tx: number;
  readonly namespace: string;
  readonly collection: string;
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
  readonly isDelete: boolean;
  readonly isPurge: boolean;
  /** Where this peer appended the plaintext (members that received it). */
  ref?: ValueRef;
}

/** A collection of a valid transaction whose plaintext this peer should hold but lacks. */
export interface MissingPrivateData {
  readonly block: number;
  readonly tx: number;
  readonly namespace: string;
  readonly collection: string;
}

/**
 * The private data part of a prepared block: hashed writes of its valid transactions (from the
 * block itself, so a replay after a crash rebuilds the same hashed state), the collections this
 * peer missed, and, after the commit, the value records to erase.
 */
export class PrivateBatch {
  readonly writes: HashedWriteOp[] = [];
  readonly missing: MissingPrivateData[] = [];
  /** Value records the commit made obsolete (replaced, deleted, purged, expired), erased after it. */
  readonly erase: ValueRef[] = [];
  /** Records appended for this block, erased again if its commit fails. */
  readonly staged: ValueRef[] = [];

  /** Adds the hashed writes of one namespace of a valid transaction. */
  add(tx: number, ns: NsRwSet): void {
    for (const c of ns.collections) {
      for (const w of c.writes) {
        this.writes.push({
          tx,
          namespace: ns.namespace,
          collection: c.collection,
          keyHash: w.keyHash,
          valueHash: w.valueHash,
          isDelete: w.isDelete || w.isPurge,
          isPurge: w.isPurge,
        });
      }
    }
  }

  get empty(): boolean {
    return this.writes.length === 0 && this.missing.length === 0;
  }
}

/** The 'h' key of a private key hash. */
export function hashedKey(ns: string, collection: string, keyHash: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(HASHED), Buffer.from(`${ns}\0${collection}\0`, 'utf8'), keyHash]);
}

/** All 'h' keys of one collection (or of one namespace when `collection` is undefined). */
export function hashedBounds(ns?: string, collection?: string): { start: Buffer; end: Buffer } {
  const prefix = ns === undefined ? '' : collection === undefined ? `${ns}\0` : `${ns}\0${collection}\0`;
  const start = Buffer.concat([Buffer.of(HASHED), Buffer.from(prefix, 'utf8')]);
  const end = Buffer.from(start);
  if (end.byteLength === 1) end[0] = HASHED + 1;
  else end[end.byteLength - 1] = 1;
  return { start, end };
}

/** A decoded 'h' entry. */
export interface HashedEntry {
  readonly version: { readonly block: number; readonly tx: number };
  readonly valueHash: Uint8Array;
  readonly ref?: ValueRef;
}

export function decodeHashed(b: Buffer): HashedEntry {
  const version = decodeVersion(b);
  const valueHash = new Uint8Array(b.subarray(VERSION_BYTES, VERSION_BYTES + HASH_BYTES));
  if (b.byteLength < VERSION_BYTES + HASH_BYTES + 12) return { version, valueHash };
  const at = VERSION_BYTES + HASH_BYTES;
  return { version, valueHash, ref: { offset: readU64(b, at), length: b.readUInt32BE(at + 8) } };
}

export function encodeHashed(block: number, tx: number, valueHash: Uint8Array, ref?: ValueRef): Buffer {
  const head = encodeStateValue(block, tx, valueHash);
  if (!ref) return head;
  const tail = Buffer.allocUnsafe(12);
  u64Key(ref.offset).copy(tail, 0);
  tail.writeUInt32BE(ref.length, 8);
  return Buffer.concat([head, tail]);
}

/** Splits the `ns \0 collection \0 keyHash` part of an 'h' or 'p' key. */
export function splitKeyPart(part: Buffer): { namespace: string; collection: string; keyHash: Uint8Array } {
  const keyHash = new Uint8Array(part.subarray(part.byteLength - HASH_BYTES));
  const [namespace = '', collection = ''] = part
    .toString('utf8', 0, part.byteLength - HASH_BYTES - 1)
    .split('\0');
  return { namespace, collection, keyHash };
}

function scheduleKey(expiry: number, hKey: Buffer): Buffer {
  return Buffer.concat([Buffer.of(SCHEDULE), u64Key(expiry), hKey.subarray(1)]);
}

export function missingKey(m: MissingPrivateData): Buffer {
  const v = encodeStateValue(m.block, m.tx, EMPTY);
  return Buffer.concat([Buffer.of(MISSING), v, Buffer.from(`${m.namespace}\0${m.collection}`, 'utf8')]);
}

export function missingBounds(): { start: Buffer; end: Buffer } {
  return { start: Buffer.of(MISSING), end: Buffer.of(MISSING + 1) };
}

export function decodeMissingKey(k: Buffer): MissingPrivateData {
  const v = decodeVersion(k.subarray(1));
  const [namespace = '', collection = ''] = k.toString('utf8', 1 + VERSION_BYTES).split('\0');
  return { block: v.block, tx: v.tx, namespace, collection };
}

/** blockToLive of a collection in a channel config (0 when unknown: kept). */
function blockToLive(config: ChannelConfig | undefined, ns: string, collection: string): number {
  const def = config?.contracts.find((c) => c.name === ns);
  return def?.collections?.find((c) => c.name === collection)?.blockToLive ?? 0;
}

let cachedConfig: { bytes: Uint8Array; config: ChannelConfig | undefined } | undefined;

function configOf(bytes: Uint8Array | undefined): ChannelConfig | undefined {
  if (bytes === undefined) return undefined;
  if (cachedConfig?.bytes !== bytes && Buffer.compare(cachedConfig?.bytes ?? EMPTY, bytes) !== 0) {
    let config: ChannelConfig | undefined;
    try {
      config = decodeChannelConfig(bytes);
    } catch {
      config = undefined;
    }
    cachedConfig = { bytes, config };
  }
  return cachedConfig?.config;
}

/**
 * Applies a block's private batch inside the block's LMDB transaction: hashed writes (with value
 * references on members), the blockToLive schedule, missing records, and the purge of entries
 * whose time is up (written in block b with blockToLive n: purged when block b+n+1 commits).
 * Collects the value records that became obsolete in `batch.erase`. `channelConfig` is the
 * configuration in force before the block (for blockToLive).
 */
export function applyPrivateBatch(
  db: BinDb,
  batch: PrivateBatch | undefined,
  block: number,
  channelConfig: () => Uint8Array | undefined,
): void {
  const hasWrites = batch !== undefined && batch.writes.length > 0;
  if (hasWrites) {
    const config = configOf(channelConfig());
    for (const w of batch.writes) {
      const hKey = hashedKey(w.namespace, w.collection, w.keyHash);
      const old = db.getBinary(hKey);
      if (old !== undefined) {
        const ref = decodeHashed(old).ref;
        if (ref) batch.erase.push(ref);
      }
      if (w.isDelete) {
        if (old !== undefined) db.removeSync(hKey);
        continue;
      }
      db.putSync(hKey, encodeHashed(block, w.tx, w.valueHash, w.ref));
      const btl = blockToLive(config, w.namespace, w.collection);
      if (btl > 0) db.putSync(scheduleKey(block + btl + 1, hKey), encodeStateValue(block, w.tx, EMPTY));
    }
  }
  for (const m of batch?.missing ?? []) db.putSync(missingKey(m), EMPTY);
  expire(db, block, batch);
}

/** Purges the hashed entries (and values) scheduled to expire at or before `block`. */
function expire(db: BinDb, block: number, batch: PrivateBatch | undefined): void {
  const start = Buffer.of(SCHEDULE);
  const end = Buffer.concat([Buffer.of(SCHEDULE), u64Key(block + 1)]);
  const due: { key: Buffer; value: Buffer }[] = [];
  for (const { key, value } of db.getRange({ start, end })) due.push({ key, value });
  for (const { key, value } of due) {
    db.removeSync(key);
    const hKey = Buffer.concat([Buffer.of(HASHED), key.subarray(9)]);
    const current = db.getBinary(hKey);
    if (current === undefined) continue;
    const entry = decodeHashed(current);
    const scheduled = decodeVersion(value);
    if (entry.version.block !== scheduled.block || entry.version.tx !== scheduled.tx) continue;
    db.removeSync(hKey);
    if (entry.ref) batch?.erase.push(entry.ref);
  }
}

/** Hex digest input of one hashed entry (without the member-only value reference). */
export function hashedDigestPart(key: Buffer, value: Buffer): string {
  return `${toHex(key)}:${toHex(value.subarray(0, VERSION_BYTES + HASH_BYTES))}`;
}
