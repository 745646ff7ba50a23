import fs from 'node:fs';
import path from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';
import { encodeSegmentRecord, readRecordAt, SEGMENT_MAX_BYTES, segmentFileName } from './segmentRecord.js';

/** Where a record was appended. */
export interface AppendedRecord {
  readonly segment: number;
  readonly offset: number;
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

  /** Appends one block as a record and fsyncs it. Throws LEDGER_IO, with nothing appended, on failure. */
  append(block: Uint8Array): AppendedRecord {
    const record = encodeSegmentRecord(block);
    let offset = this.#size;
    try {
      if (this.#size > 0 && this.#size + record.byteLength > this.#maxBytes) {
        this.#closeAppendFd();
        this.#segment += 1;
        this.#size = 0;
        offset = 0;
      }
      const fd = this.#openForAppend();
      let done = 0;
      while (done < record.byteLength) done += fs.writeSync(fd, record, done, record.byteLength - done);
      fs.fsyncSync(fd);
    } catch (err) {
      this.#cutBack(offset);
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_IO,
        `could not append a block to ${this.fileOf(this.#segment)}: ${(err as Error).message}; free disk space or fix the storage and retry`,
        { file: this.fileOf(this.#segment) },
        { cause: err },
      );
    }
    this.#size = offset + record.byteLength;
    return { segment: this.#segment, offset, length: block.byteLength };
  }

  /**
   * `append` without blocking the thread: the write and the fdatasync run on libuv's thread
   * pool. Appends must not overlap (a ledger commits one block at a time).
   */
  async appendAsync(block: Uint8Array): Promise<AppendedRecord> {
    const record = encodeSegmentRecord(block);
    let offset = this.#size;
    try {
      if (this.#size > 0 && this.#size + record.byteLength > this.#maxBytes) {
        this.#closeAppendFd();
        this.#segment += 1;
        this.#size = 0;
        offset = 0;
      }
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
      this.#cutBack(offset);
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_IO,
        `could not append a block to ${this.fileOf(this.#segment)}: ${(err as Error).message}; free disk space or fix the storage and retry`,
        { file: this.fileOf(this.#segment) },
        { cause: err },
      );
    }
    this.#size = offset + record.byteLength;
    return { segment: this.#segment, offset, length: block.byteLength };
  }

  /** Removes the record just appended (its index write failed), so that the block can be retried. */
  undoAppend(rec: AppendedRecord): void {
    if (rec.segment !== this.#segment) {
      this.#failed = true;
      return;
    }
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
    return readRecordAt(fd, this.fileOf(segment), offset, length);
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
