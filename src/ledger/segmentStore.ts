import fs from 'node:fs';
import path from 'node:path';
import { ConsortiaError } from '../common/index.js';
import {
  type DictionaryReference,
  dictionaryOf,
  isSelfContained,
  type PackedBlock,
  packBlock,
} from './blockCompression.js';
import { LedgerErrorCodes } from './errors.js';
import {
  encodeSegmentRecord,
  ReferenceCache,
  readRecordAt,
  recordSize,
  SEGMENT_MAX_BYTES,
  segmentFileName,
} from './segmentRecord.js';

/** Where a record was appended. */
export interface AppendedRecord {
  readonly segment: number;
  readonly offset: number;
  /** Bytes stored in the record: the compressed length when the block was compressed. */
  readonly length: number;
}

export interface SegmentStoreOptions {
  readonly blocksDir: string;
  /** The segment to append to and its current (checked) size. */
  readonly segment: number;
  readonly size: number;
  readonly maxBytes?: number;
}

const MAX_READ_FDS = 16;
/**
 * Records compressed with one dictionary before the next block starts a fresh one, so that the
 * dictionary follows what the channel's blocks look like now.
 */
const DICTIONARY_USES = 256;

/** fsyncs a directory so that files created in it survive a crash. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The append-only block files of one ledger: `blocks/NNNNNN.seg`, each a run of records
 * (see `encodeSegmentRecord`). Appends go through one kept-open descriptor and are fsynced once per
 * block; a failed append is cut off again so the file never keeps half a record.
 */
export class SegmentStore {
  readonly #blocksDir: string;
  readonly #maxBytes: number;
  #segment: number;
  #size: number;
  #fd: number | undefined;
  #failed = false;
  readonly #readFds = new Map<number, number>();
  readonly #references = new ReferenceCache();
  /** The self-contained record of the current segment whose tail is the next records' dictionary. */
  #reference: DictionaryReference | undefined;
  #referenceUses = 0;

  constructor(opts: Readonly<SegmentStoreOptions>) {
    this.#blocksDir = opts.blocksDir;
    this.#maxBytes = opts.maxBytes ?? SEGMENT_MAX_BYTES;
    this.#segment = opts.segment;
    this.#size = opts.size;
  }

  /** True when an append failed and could not be undone; the ledger must be reopened. */
  get failed(): boolean {
    return this.#failed;
  }

  fileOf(segment: number): string {
    return path.join(this.#blocksDir, segmentFileName(segment));
  }

  #openForAppend(): number {
    if (this.#fd !== undefined) return this.#fd;
    const file = this.fileOf(this.#segment);
    const existed = fs.existsSync(file);
    this.#fd = fs.openSync(file, 'a');
    if (!existed) fsyncDir(this.#blocksDir);
    return this.#fd;
  }

  /**
   * Appends one block as a record (compressed when that makes it smaller) and fsyncs it. Throws
   * LEDGER_IO, with nothing appended, on failure.
   */
  append(block: Uint8Array): AppendedRecord {
    let offset = this.#size;
    let packed: PackedBlock | undefined;
    try {
      offset = this.#startSegmentIfFull(block);
      packed = packBlock(block, this.#reference);
      const record = encodeSegmentRecord(block, packed);
      const fd = this.#openForAppend();
      let done = 0;
      while (done < record.byteLength) done += fs.writeSync(fd, record, done, record.byteLength - done);
      fs.fsyncSync(fd);
    } catch (err) {
      throw this.#appendFailed(offset, err);
    }
    return this.#appended(block, offset, packed);
  }

  /**
   * `append` without blocking the thread on I/O: the write and the fdatasync run on libuv's
   * thread pool. Appends must not overlap (a ledger commits one block at a time).
   */
  async appendAsync(block: Uint8Array): Promise<AppendedRecord> {
    let offset = this.#size;
    let packed: PackedBlock | undefined;
    try {
      offset = this.#startSegmentIfFull(block);
      // Compressed in this thread (about 0.2 ms a block): on libuv's pool it would queue behind
      // the fdatasyncs of the other ledgers of the process and delay the commit more than that.
      packed = packBlock(block, this.#reference);
      const record = encodeSegmentRecord(block, packed);
      const fd = this.#openForAppend();
      let done = 0;
      while (done < record.byteLength) {
        const at = done;
        done += await new Promise<number>((resolve, reject) =>
          fs.write(fd, record, at, record.byteLength - at, null, (err, n) =>
            err ? reject(err) : resolve(n),
          ),
        );
      }
      await new Promise<void>((resolve, reject) =>
        fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      throw this.#appendFailed(offset, err);
    }
    return this.#appended(block, offset, packed);
  }

  /**
   * Moves to a new segment when `block` might not fit in the current one (judged by its
   * uncompressed size, so the decision does not depend on the dictionary); returns the offset the
   * record will take.
   */
  #startSegmentIfFull(block: Uint8Array): number {
    if (this.#size > 0 && this.#size + recordSize(block.byteLength) > this.#maxBytes) {
      this.#closeAppendFd();
      this.#segment += 1;
      this.#size = 0;
      this.#reference = undefined;
    }
    return this.#size;
  }

  #appendFailed(offset: number, err: unknown): ConsortiaError {
    this.#cutBack(offset);
    return new ConsortiaError(
      LedgerErrorCodes.LEDGER_IO,
      `could not append a block to ${this.fileOf(this.#segment)}: ${(err as Error).message}; free disk space or fix the storage and retry`,
      { file: this.fileOf(this.#segment) },
      { cause: err },
    );
  }

  /** Records the append, and makes a self-contained record the dictionary of the next ones. */
  #appended(block: Uint8Array, offset: number, packed: PackedBlock | undefined): AppendedRecord {
    const length = packed?.stored.byteLength ?? block.byteLength;
    this.#size = offset + recordSize(length);
    if (packed === undefined || isSelfContained(packed.magic)) {
      // A copy: the dictionary outlives the caller's block buffer.
      this.#reference = { offset, dictionary: dictionaryOf(block).slice() };
      this.#referenceUses = 0;
    } else if (++this.#referenceUses >= DICTIONARY_USES) {
      this.#reference = undefined;
    }
    return { segment: this.#segment, offset, length };
  }

  /** Removes the record just appended (its index write failed), so that the block can be retried. */
  undoAppend(rec: AppendedRecord): void {
    if (rec.segment !== this.#segment) {
      this.#failed = true;
      return;
    }
    if (this.#reference !== undefined && this.#reference.offset >= rec.offset) this.#reference = undefined;
    this.#cutBack(rec.offset);
  }

  #cutBack(size: number): void {
    try {
      if (this.#fd !== undefined) {
        fs.ftruncateSync(this.#fd, size);
        fs.fsyncSync(this.#fd);
      }
      this.#size = size;
    } catch {
      this.#failed = true;
    }
  }

  /** The checked block bytes of a record. Throws LEDGER_CORRUPT when the record is damaged. */
  read(segment: number, offset: number, length: number): Uint8Array {
    let fd = this.#readFds.get(segment);
    if (fd === undefined) {
      if (this.#readFds.size >= MAX_READ_FDS) {
        const [oldest, oldFd] = this.#readFds.entries().next().value as [number, number];
        this.#readFds.delete(oldest);
        fs.closeSync(oldFd);
      }
      fd = fs.openSync(this.fileOf(segment), 'r');
      this.#readFds.set(segment, fd);
    }
    return readRecordAt(fd, this.fileOf(segment), offset, length, this.#references);
  }

  #closeAppendFd(): void {
    if (this.#fd !== undefined) {
      fs.closeSync(this.#fd);
      this.#fd = undefined;
    }
  }

  close(): void {
    this.#closeAppendFd();
    for (const fd of this.#readFds.values()) fs.closeSync(fd);
    this.#readFds.clear();
  }
}
