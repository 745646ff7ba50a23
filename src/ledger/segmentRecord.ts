import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ConsortiaError } from '../common/index.js';
import {
  isRecordMagic,
  isSelfContained,
  type PackedBlock,
  RECORD_MAGIC,
  unpackBlock,
} from './blockCompression.js';
import { LedgerErrorCodes } from './errors.js';

/** Magic and length before the stored bytes. */
export const RECORD_HEADER_BYTES = 8;
/** CRC-32 after the stored bytes. */
export const RECORD_TRAILER_BYTES = 4;
/** A new segment file is started when the next record would take the current one past this size. */
export const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;

const SEGMENT_RE = /^(\d{6,})\.seg$/;

/** The file name of segment `n`: `000042.seg`. */
export function segmentFileName(n: number): string {
  return `${String(n).padStart(6, '0')}.seg`;
}

/** Total bytes a record of `storedLength` stored bytes takes in a segment. */
export function recordSize(storedLength: number): number {
  return RECORD_HEADER_BYTES + storedLength + RECORD_TRAILER_BYTES;
}

/**
 * Encodes one segment record: magic (u32 BE) ‖ stored length (u32 BE) ‖ stored bytes ‖ CRC-32 of
 * the stored bytes (u32 BE). Without `packed` the record is a `CSB1` record of the block bytes as
 * they are; with it (from `packBlock`), the record holds the packed form.
 *
 * @example
 * fs.writeSync(fd, encodeSegmentRecord(blockBytes, packBlock(blockBytes)));
 */
export function encodeSegmentRecord(block: Uint8Array, packed?: PackedBlock): Buffer {
  const magic = packed?.magic ?? RECORD_MAGIC;
  const stored = packed?.stored ?? block;
  const out = Buffer.allocUnsafe(recordSize(stored.byteLength));
  out.writeUInt32BE(magic, 0);
  out.writeUInt32BE(stored.byteLength, 4);
  out.set(stored, RECORD_HEADER_BYTES);
  out.writeUInt32BE(crc32(stored), RECORD_HEADER_BYTES + stored.byteLength);
  return out;
}

/**
 * The block bytes of referenced records, by file and offset: the records of a segment that use a
 * dictionary mostly name the same one, so it is read and inflated once.
 */
export class ReferenceCache {
  static readonly #MAX = 4;
  readonly #blocks = new Map<string, Uint8Array>();

  get(file: string, offset: number, load: () => Uint8Array): Uint8Array {
    const key = `${offset}@${file}`;
    let bytes = this.#blocks.get(key);
    if (bytes === undefined) {
      bytes = load();
      if (this.#blocks.size >= ReferenceCache.#MAX) this.#blocks.delete(this.#blocks.keys().next().value!);
      this.#blocks.set(key, bytes);
    }
    return bytes;
  }
}

/** The block bytes of a checked record body, reading a referenced record through `fd` when needed. */
function recordBlock(
  fd: number,
  file: string,
  offset: number,
  magic: number,
  stored: Buffer,
  cache: ReferenceCache,
): Uint8Array {
  const view = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  const referenced = (at: number): Uint8Array => {
    if (at >= offset) throw new Error(`the dictionary reference ${at} does not point back`);
    return cache.get(file, at, () => {
      const header = readExactly(fd, RECORD_HEADER_BYTES, at);
      if (header.byteLength < RECORD_HEADER_BYTES || !isSelfContained(header.readUInt32BE(0))) {
        throw new Error(`the dictionary reference ${at} is not a self-contained record`);
      }
      return readRecordAt(fd, file, at, header.readUInt32BE(4), cache);
    });
  };
  try {
    return unpackBlock(magic, view, referenced);
  } catch (err) {
    if (err instanceof ConsortiaError) throw err;
    throw corrupt(file, offset, (err as Error).message);
  }
}

/**
 * The segment numbers present in `blocksDir`, ascending. Throws LEDGER_CORRUPT when a number is
 * missing in the sequence (a segment file was lost). A missing directory has no segments.
 */
export function listSegments(blocksDir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(blocksDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const numbers = names
    .map((n) => SEGMENT_RE.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  numbers.forEach((n, i) => {
    if (n !== i) {
      const file = path.join(blocksDir, segmentFileName(i));
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CORRUPT,
        `segment file ${file} is missing; restore it from a backup`,
        {
          file,
        },
      );
    }
  });
  return numbers;
}

/** A complete, checked record found by `scanSegment`. */
export interface ScannedRecord {
  readonly offset: number;
  /** The block bytes (inflated when the record is compressed). */
  readonly bytes: Uint8Array;
  /** Bytes stored in the record (what a block location's `length` names). */
  readonly storedLength: number;
}

/** How a scan of one segment ended. */
export interface ScanEnd {
  /** Where the last complete record ends (the file size unless the tail is torn). */
  readonly end: number;
  /** The file size; bytes from `end` to here are a partly written record. */
  readonly size: number;
}

function corrupt(file: string, offset: number, what: string): ConsortiaError {
  return new ConsortiaError(
    LedgerErrorCodes.LEDGER_CORRUPT,
    `segment file ${file} is damaged at offset ${offset} (${what}); restore the ledger from a backup or another peer`,
    { file, offset },
  );
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function allZero(fd: number, from: number, to: number): boolean {
  const chunk = 64 * 1024;
  for (let p = from; p < to; p += chunk) {
    const buf = readExactly(fd, Math.min(chunk, to - p), p);
    if (buf.some((b) => b !== 0)) return false;
  }
  return true;
}

/**
 * Reads the records of one segment from `start`. Complete records whose magic, length and CRC
 * check are yielded. When `tailMayBeTorn` (the last segment), an incomplete record at the very end
 * of the file, a last record whose CRC does not match, or zeros up to the end (space a crash left
 * unwritten) end the scan early (`end < size`); anywhere else such damage throws LEDGER_CORRUPT naming the
 * file and offset.
 */
export function* scanSegment(
  file: string,
  start: number,
  tailMayBeTorn: boolean,
): Generator<ScannedRecord, ScanEnd, undefined> {
  const fd = fs.openSync(file, 'r');
  const cache = new ReferenceCache();
  try {
    const size = fs.fstatSync(fd).size;
    if (start > size) throw corrupt(file, start, 'the file is shorter than the block index says');
    let offset = start;
    while (offset < size) {
      if (size - offset < RECORD_HEADER_BYTES) {
        if (tailMayBeTorn) return { end: offset, size };
        throw corrupt(file, offset, 'incomplete record header');
      }
      const header = readExactly(fd, RECORD_HEADER_BYTES, offset);
      const magic = header.readUInt32BE(0);
      if (!isRecordMagic(magic)) {
        if (tailMayBeTorn && allZero(fd, offset, size)) return { end: offset, size };
        throw corrupt(file, offset, 'bad record magic');
      }
      const length = header.readUInt32BE(4);
      const end = offset + recordSize(length);
      if (end > size) {
        if (tailMayBeTorn) return { end: offset, size };
        throw corrupt(file, offset, 'record runs past the end of the file');
      }
      const body = readExactly(fd, length + RECORD_TRAILER_BYTES, offset + RECORD_HEADER_BYTES);
      if (body.byteLength !== length + RECORD_TRAILER_BYTES) throw corrupt(file, offset, 'short read');
      const stored = body.subarray(0, length);
      if (crc32(stored) !== body.readUInt32BE(length)) {
        if (tailMayBeTorn && end === size) return { end: offset, size };
        throw corrupt(file, offset, 'checksum mismatch');
      }
      yield { offset, bytes: recordBlock(fd, file, offset, magic, stored, cache), storedLength: length };
      offset = end;
    }
    return { end: offset, size };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads the block bytes of the record at `offset` of an open segment (`length` stored bytes) and
 * checks its magic, length and CRC; a compressed record is inflated (with the dictionary of the
 * record it references, through `cache`). Throws LEDGER_CORRUPT naming
 * `file` when they do not match.
 */
export function readRecordAt(
  fd: number,
  file: string,
  offset: number,
  length: number,
  cache: ReferenceCache = new ReferenceCache(),
): Uint8Array {
  const buf = readExactly(fd, recordSize(length), offset);
  if (buf.byteLength !== recordSize(length)) {
    throw corrupt(file, offset, 'record runs past the end of the file');
  }
  const magic = buf.readUInt32BE(0);
  if (!isRecordMagic(magic) || buf.readUInt32BE(4) !== length) {
    throw corrupt(file, offset, 'record header does not match the block index');
  }
  const stored = buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
  if (crc32(stored) !== buf.readUInt32BE(RECORD_HEADER_BYTES + length)) {
    throw corrupt(file, offset, 'checksum mismatch');
  }
  return recordBlock(fd, file, offset, magic, stored, cache);
}
