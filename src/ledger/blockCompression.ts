import zlib from 'node:zlib';

/**
 * How a block is stored in a segment record. Three record kinds, told apart by their magic:
 *
 * - `CSB1`: the block bytes as they are.
 * - `CSZ1`: the block bytes raw-DEFLATE compressed, self-contained.
 * - `CSZ2`: raw DEFLATE with a preset dictionary taken from an earlier self-contained record of
 *   the same segment: reference offset (u64 BE) ‖ dictionary length (u32 BE) ‖ DEFLATE data. The
 *   dictionary is the last `dictionary length` bytes of the referenced record's block bytes.
 *
 * Consecutive blocks of a channel repeat most of their structure (contract and function names,
 * identities by hash, key prefixes), so a dictionary from an earlier block removes much of what
 * per-block compression cannot: on `register` blocks of about 15 transactions, 53% of the block
 * bytes are stored against 60% without it (`bench/block-compression.ts` measures a data dir).
 */
export const RECORD_MAGIC = 0x43534231;
export const COMPRESSED_RECORD_MAGIC = 0x43535a31;
export const DICTIONARY_RECORD_MAGIC = 0x43535a32;

/** Bytes of a block's tail used as the dictionary of later blocks (8 KB gained as much as 32 KB). */
export const DICTIONARY_BYTES = 8192;
/** The reference header of a `CSZ2` body. */
const REFERENCE_HEADER_BYTES = 12;

/**
 * zlib's default level: with a dictionary it stored 53.0% of `register` block bytes against 54.0%
 * at level 1, in about the same time (0.2 ms for a 13 KB block; `bench/block-compression.ts`).
 */
const DEFLATE_LEVEL = 6;
/** Inflating never yields more than this (a damaged record must not exhaust memory). */
const MAX_BLOCK_BYTES = 1024 * 1024 * 1024;

/** A self-contained record whose block's tail serves as the dictionary of later records. */
export interface DictionaryReference {
  readonly offset: number;
  readonly dictionary: Uint8Array;
}

/** What a record stores for a block: its magic and body. */
export interface PackedBlock {
  readonly magic: number;
  readonly stored: Uint8Array;
}

export function isRecordMagic(magic: number): boolean {
  return magic === RECORD_MAGIC || magic === COMPRESSED_RECORD_MAGIC || magic === DICTIONARY_RECORD_MAGIC;
}

/** True for the record kinds that can be read without another record (and so be referenced). */
export function isSelfContained(magic: number): boolean {
  return magic === RECORD_MAGIC || magic === COMPRESSED_RECORD_MAGIC;
}

/** The dictionary later blocks take from `block`: its last `DICTIONARY_BYTES` bytes. */
export function dictionaryOf(block: Uint8Array): Uint8Array {
  return block.subarray(Math.max(0, block.byteLength - DICTIONARY_BYTES));
}

function deflateOptions(ref: DictionaryReference | undefined): zlib.ZlibOptions {
  return ref === undefined
    ? { level: DEFLATE_LEVEL, memLevel: 9 }
    : { level: DEFLATE_LEVEL, memLevel: 9, dictionary: ref.dictionary };
}

function pack(block: Uint8Array, ref: DictionaryReference | undefined, deflated: Buffer): PackedBlock {
  if (ref === undefined) {
    return deflated.byteLength < block.byteLength
      ? { magic: COMPRESSED_RECORD_MAGIC, stored: deflated }
      : { magic: RECORD_MAGIC, stored: block };
  }
  if (deflated.byteLength + REFERENCE_HEADER_BYTES >= block.byteLength)
    return { magic: RECORD_MAGIC, stored: block };
  const stored = Buffer.allocUnsafe(REFERENCE_HEADER_BYTES + deflated.byteLength);
  stored.writeUInt32BE(Math.floor(ref.offset / 2 ** 32), 0);
  stored.writeUInt32BE(ref.offset % 2 ** 32, 4);
  stored.writeUInt32BE(ref.dictionary.byteLength, 8);
  stored.set(deflated, REFERENCE_HEADER_BYTES);
  return { magic: DICTIONARY_RECORD_MAGIC, stored };
}

/**
 * The smallest of the record kinds for `block`: `CSZ2` when `ref` is given, else `CSZ1`; `CSB1`
 * when compression does not make it smaller.
 *
 * @example
 * const packed = packBlock(blockBytes, { offset: 0, dictionary: dictionaryOf(firstBlockBytes) });
 */
export function packBlock(block: Uint8Array, ref?: DictionaryReference): PackedBlock {
  return pack(block, ref, zlib.deflateRawSync(block, deflateOptions(ref)));
}

/** The reference offset a `CSZ2` body names, or undefined when the body is too short to name one. */
function referencedOffset(stored: Uint8Array): number | undefined {
  if (stored.byteLength < REFERENCE_HEADER_BYTES) return undefined;
  const b = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  return b.readUInt32BE(0) * 2 ** 32 + b.readUInt32BE(4);
}

/**
 * The block bytes of a checked record body. `referencedBlock` returns the block bytes of the
 * self-contained record at an offset of the same segment (for `CSZ2`). Throws an Error saying
 * what is wrong when the body does not decode; the caller names the file.
 */
export function unpackBlock(
  magic: number,
  stored: Uint8Array,
  referencedBlock: (offset: number) => Uint8Array,
): Uint8Array {
  if (magic === RECORD_MAGIC) return stored;
  let input = stored;
  let options: zlib.ZlibOptions = { maxOutputLength: MAX_BLOCK_BYTES };
  if (magic === DICTIONARY_RECORD_MAGIC) {
    const offset = referencedOffset(stored);
    if (offset === undefined) throw new Error('the record is too short for its dictionary reference');
    const length = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).readUInt32BE(8);
    const ref = referencedBlock(offset);
    if (length > ref.byteLength)
      throw new Error(`the referenced block is shorter than its ${length}-byte dictionary`);
    options = { ...options, dictionary: ref.subarray(ref.byteLength - length) };
    input = stored.subarray(REFERENCE_HEADER_BYTES);
  }
  try {
    const out = zlib.inflateRawSync(input, options);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new Error(`the compressed block does not inflate: ${(err as Error).message}`);
  }
}
