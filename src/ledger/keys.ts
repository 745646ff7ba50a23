import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { ConsortiaError } from '../common/index.js';
import { sha256 } from '../crypto/index.js';
import { LedgerErrorCodes } from './errors.js';
import type { TxLocation, VersionRef } from './types.js';

/**
 * Largest UTF-8 size of namespace + key. LMDB keys are limited to 1978 bytes, and a history key
 * adds two separators and 12 bytes of version to the state key.
 */
export const MAX_STATE_KEY_BYTES = 1900;

const TWO_32 = 2 ** 32;

/** Bytes of the version prefix of a state value: block u64 BE ‖ tx u32 BE. */
export const VERSION_BYTES = 12;

function writeVersion(out: Buffer, at: number, block: number, tx: number): void {
  out.writeUInt32BE(Math.floor(block / TWO_32), at);
  out.writeUInt32BE(block % TWO_32, at + 4);
  out.writeUInt32BE(tx, at + 8);
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

export function u64Key(n: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32BE(Math.floor(n / TWO_32), 0);
  out.writeUInt32BE(n % TWO_32, 4);
  return out;
}

/** Throws LEDGER_INVALID_KEY when `ns` cannot be a namespace (empty or containing U+0000). */
export function checkNamespace(ns: string): void {
  if (ns.length === 0 || ns.includes('\0')) {
    throw new ConsortiaError(
      LedgerErrorCodes.LEDGER_INVALID_KEY,
      'a namespace must be non-empty and must not contain U+0000',
      {
        namespace: ns,
      },
    );
  }
}

/** The state key `ns \0 key`, checked for size. */
export function stateKey(ns: string, key: string): Buffer {
  checkNamespace(ns);
  const out = Buffer.from(`${ns}\0${key}`, 'utf8');
  if (out.byteLength > MAX_STATE_KEY_BYTES + 1) {
    throw new ConsortiaError(
      LedgerErrorCodes.LEDGER_INVALID_KEY,
      `namespace and key take more than ${MAX_STATE_KEY_BYTES} bytes; use a shorter key`,
      { namespace: ns },
    );
  }
  return out;
}

/** The first state key of namespace `ns` (`ns \0`) and the first key past it (`ns \1`). */
export function namespaceBounds(ns: string): { start: Buffer; end: Buffer } {
  checkNamespace(ns);
  return { start: Buffer.from(`${ns}\0`, 'utf8'), end: Buffer.from(`${ns}\u0001`, 'utf8') };
}

/** A state value: version ‖ value bytes. */
export function encodeStateValue(block: number, tx: number, value: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(VERSION_BYTES + value.byteLength);
  writeVersion(out, 0, block, tx);
  out.set(value, VERSION_BYTES);
  return out;
}

export function decodeVersion(buf: Buffer): VersionRef {
  return { block: readU64(buf, 0), tx: buf.readUInt32BE(8) };
}

/** The history key `ns \0 key \0 block u64 ‖ tx u32` for a state key. */
export function historyKey(sKey: Buffer, block: number, tx: number): Buffer {
  const out = Buffer.allocUnsafe(sKey.byteLength + 1 + VERSION_BYTES);
  out.set(sKey, 0);
  out[sKey.byteLength] = 0;
  writeVersion(out, sKey.byteLength + 1, block, tx);
  return out;
}

const HEX_TXID = /^[0-9a-f]{64}$/;

/**
 * The txIndex key of a transaction id: its 32 raw bytes. An id that is not 64 lower-case hex digits
 * (only a malformed config transaction can carry one) gets SHA-256 of its text plus a marker byte,
 * 33 bytes, so it never collides with a well-formed id.
 */
export function txIdKey(txId: string): Buffer {
  if (HEX_TXID.test(txId)) return Buffer.from(txId, 'hex');
  const out = Buffer.allocUnsafe(33);
  out.set(sha256(Buffer.from(`txid:${txId}`, 'utf8')), 0);
  out[32] = 1;
  return out;
}

/**
 * Bytes of a transaction id that key the transaction index from ledger format 2 on: 128 bits, so
 * two ids share a key only if someone spent about 2^64 hashes to make them (and then it is their
 * own later transaction that counts as a duplicate). Format 1 keyed by all 32 bytes.
 */
export const TX_INDEX_KEY_BYTES = 16;

/** The transaction-index key of a `txIdKey` in a ledger of `format`. */
export function txIndexKey(idKey: Buffer, format: number): Buffer {
  return format >= 2 ? idKey.subarray(0, TX_INDEX_KEY_BYTES) : idKey;
}

/** Bytes of the fixed-width location encoding (block u64 ‖ tx u32 ‖ code), as format 1 wrote it. */
const FIXED_TX_LOCATION_BYTES = 13;

/**
 * A transaction location: varint block ‖ varint tx ‖ code (5 bytes for a block below 2^21 and a
 * tx below 128). An encoding that would take 13 bytes or more uses the fixed 13-byte form, which
 * `decodeTxLocation` tells apart by its length.
 */
export function encodeTxLocation(block: number, tx: number, code: number): Buffer {
  const varints = new BinaryWriter().uint64(block).uint32(tx).finish();
  if (varints.byteLength + 1 < FIXED_TX_LOCATION_BYTES) {
    const out = Buffer.allocUnsafe(varints.byteLength + 1);
    out.set(varints, 0);
    out[varints.byteLength] = code;
    return out;
  }
  const fixed = Buffer.allocUnsafe(FIXED_TX_LOCATION_BYTES);
  writeVersion(fixed, 0, block, tx);
  fixed[12] = code;
  return fixed;
}

/** Throws RangeError on a truncated encoding. */
export function decodeTxLocation(buf: Buffer): TxLocation {
  if (buf.byteLength === FIXED_TX_LOCATION_BYTES) {
    return { blockNumber: readU64(buf, 0), txIndex: buf.readUInt32BE(8), validationCode: buf[12] ?? 0 };
  }
  const reader = new BinaryReader(buf);
  const blockNumber = Number(reader.uint64());
  const txIndex = reader.uint32();
  if (reader.pos >= buf.byteLength) throw new RangeError('truncated transaction location');
  return { blockNumber, txIndex, validationCode: buf[reader.pos]! };
}

/** Where a block is stored: segment u32 ‖ record offset u64 ‖ block length u32 ‖ block hash (32). */
export interface BlockLocation {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
  readonly hash: Uint8Array;
}

export function encodeBlockLocation(loc: BlockLocation): Buffer {
  const out = Buffer.allocUnsafe(16 + loc.hash.byteLength);
  out.writeUInt32BE(loc.segment, 0);
  out.writeUInt32BE(Math.floor(loc.offset / TWO_32), 4);
  out.writeUInt32BE(loc.offset % TWO_32, 8);
  out.writeUInt32BE(loc.length, 12);
  out.set(loc.hash, 16);
  return out;
}

export function decodeBlockLocation(buf: Buffer): BlockLocation {
  return {
    segment: buf.readUInt32BE(0),
    offset: readU64(buf, 4),
    length: buf.readUInt32BE(12),
    hash: new Uint8Array(buf.subarray(16)),
  };
}
