import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';

/** 'CSB1': the magic number that starts every record of a segment file. */
export const RECORD_MAGIC = 0x43534231;
/** Magic and length before the block bytes. */
export const RECORD_HEADER_BYTES = 8;
/** CRC-32 after the block bytes. */
export const RECORD_TRAILER_BYTES = 4;
/** A new segment file is started when the next record would take the current one past this size. */
export const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;

const SEGMENT_RE = /^(\d{6,})\.seg$/;

/** The file name of segment `n`: `000042.seg`. */
export function segmentFileName(n: number): string {
  return `${String(n).padStart(6, '0')}.seg`;
}

/** Total bytes a record of `blockLength` block bytes takes in a segment. */
export function recordSize(blockLength: number): number {
  return RECORD_HEADER_BYTES + blockLength + RECORD_TRAILER_BYTES;
}

/**
 * Encodes one segment record: magic (u32 BE) ‖ length (u32 BE) ‖ block bytes ‖ CRC-32 of the
 * block bytes (u32 BE).
 *
 * @example
 * fs.writeSync(fd, encodeSegmentRecord(blockBytes));
 */
export function encodeSegmentRecord(block: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(recordSize(block.byteLength));
  out.writeUInt32BE(RECORD_MAGIC, 0);
  out.writeUInt32BE(block.byteLength, 4);
  out.set(block, RECORD_HEADER_BYTES);
  out.writeUInt32BE(crc32(block), RECORD_HEADER_BYTES + block.byteLength);
  return out;
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
  readonly bytes: Uint8Array;
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
      if (header.readUInt32BE(0) !== RECORD_MAGIC) {
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
      const bytes = body.subarray(0, length);
      if (crc32(bytes) !== body.readUInt32BE(length)) {
        if (tailMayBeTorn && end === size) return { end: offset, size };
        throw corrupt(file, offset, 'checksum mismatch');
      }
      yield { offset, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
      offset = end;
    }
    return { end: offset, size };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads the block bytes of the record at `offset` of an open segment and checks its magic, length
 * and CRC. Throws LEDGER_CORRUPT naming `file` when they do not match.
 */
export function readRecordAt(fd: number, file: string, offset: number, length: number): Uint8Array {
  const buf = readExactly(fd, recordSize(length), offset);
  if (buf.byteLength !== recordSize(length)) {
    throw corrupt(file, offset, 'record runs past the end of the file');
  }
  if (buf.readUInt32BE(0) !== RECORD_MAGIC || buf.readUInt32BE(4) !== length) {
    throw corrupt(file, offset, 'record header does not match the block index');
  }
  const bytes = buf.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
  if (crc32(bytes) !== buf.readUInt32BE(RECORD_HEADER_BYTES + length)) {
    throw corrupt(file, offset, 'checksum mismatch');
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
