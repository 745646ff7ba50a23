import fs from 'node:fs';
import path from 'node:path';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';
import { fsyncDir } from './segmentStore.js';

/** The folder of a ledger directory that holds the private values of a member peer. */
export const PRIVATE_DIR = 'private';
/** The value file in it. */
export const VALUES_FILE = 'values.dat';

/** Where a record lies in the value file: its first byte and its whole length. */
export interface ValueRef {
  readonly offset: number;
  readonly length: number;
}

const LIVE = 1;
const ERASED = 0;
/** state u8 ‖ payload length u32 BE. */
const HEADER = 5;

/**
 * The plaintext private values of a member peer, kept apart from LMDB so that erasing one is
 * real: LMDB copies pages on write and leaves old copies in free pages, while a record here is
 * overwritten in place with zeros (and fsynced) when its value is purged, expires, is deleted or
 * is replaced. Records are `state u8 ‖ length u32 ‖ keyLength u16 ‖ key ‖ value`; LMDB holds
 * each live record's offset. The file is created on first use, so non-member peers never have
 * one.
 *
 * @example
 * const file = new PrivateValueFile({ dir: ledgerDir });
 * const ref = file.append('note-1', utf8('{"text":"hi"}'));
 * file.sync();
 * file.read(ref); // { key: 'note-1', value }
 * file.erase([ref]);
 */
export class PrivateValueFile {
  readonly #file: string;
  readonly #dir: string;
  #fd: number | undefined;
  #size = 0;

  constructor(opts: Readonly<{ dir: string }>) {
    this.#dir = path.join(opts.dir, PRIVATE_DIR);
    this.#file = path.join(this.#dir, VALUES_FILE);
    if (fs.existsSync(this.#file)) this.#open();
  }

  get file(): string {
    return this.#file;
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    if (!fs.existsSync(this.#dir)) {
      fs.mkdirSync(this.#dir, { recursive: true });
      fsyncDir(path.dirname(this.#dir));
    }
    const created = !fs.existsSync(this.#file);
    this.#fd = fs.openSync(this.#file, created ? 'w+' : 'r+');
    this.#size = fs.fstatSync(this.#fd).size;
    if (created) fsyncDir(this.#dir);
    return this.#fd;
  }

  /** Appends a live record (not yet fsynced: call `sync`). */
  append(key: string, value: Uint8Array): ValueRef {
    const fd = this.#open();
    const keyBytes = Buffer.from(key, 'utf8');
    const payload = 2 + keyBytes.byteLength + value.byteLength;
    const rec = Buffer.allocUnsafe(HEADER + payload);
    rec[0] = LIVE;
    rec.writeUInt32BE(payload, 1);
    rec.writeUInt16BE(keyBytes.byteLength, HEADER);
    keyBytes.copy(rec, HEADER + 2);
    rec.set(value, HEADER + 2 + keyBytes.byteLength);
    const offset = this.#size;
    writeAll(fd, rec, offset);
    this.#size += rec.byteLength;
    return { offset, length: rec.byteLength };
  }

  /** fsyncs appended or erased records. */
  sync(): void {
    if (this.#fd !== undefined) fs.fsyncSync(this.#fd);
  }

  /** Reads a live record; throws LEDGER_CORRUPT when it is not one. */
  read(ref: ValueRef): { key: string; value: Uint8Array } {
    const fd = this.#open();
    const buf = Buffer.allocUnsafe(ref.length);
    const n = fs.readSync(fd, buf, 0, ref.length, ref.offset);
    const payload = n === ref.length && buf[0] === LIVE ? buf.readUInt32BE(1) : -1;
    if (payload !== ref.length - HEADER) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CORRUPT,
        `${this.#file} holds no private value at offset ${ref.offset}; the peer will reconcile it from another member`,
        { file: this.#file, offset: ref.offset },
      );
    }
    const keyLength = buf.readUInt16BE(HEADER);
    return {
      key: buf.toString('utf8', HEADER + 2, HEADER + 2 + keyLength),
      value: new Uint8Array(buf.subarray(HEADER + 2 + keyLength)),
    };
  }

  /** Overwrites records with zeros in place (keeping their length so the file stays walkable) and fsyncs. */
  erase(refs: readonly ValueRef[]): void {
    if (refs.length === 0 || this.#fd === undefined) return;
    for (const ref of refs) {
      if (ref.offset + ref.length > this.#size) continue;
      const rec = Buffer.alloc(ref.length);
      rec[0] = ERASED;
      rec.writeUInt32BE(ref.length - HEADER, 1);
      writeAll(this.#fd, rec, ref.offset);
    }
    fs.fsyncSync(this.#fd);
  }

  /**
   * Erases every live record whose offset `isReferenced` denies (left by a commit that did not
   * happen, or an erase a crash cut short) and cuts off a torn record at the end. Returns how many
   * records it erased.
   */
  sweep(isReferenced: (offset: number) => boolean): number {
    if (this.#fd === undefined) return 0;
    const fd = this.#fd;
    const header = Buffer.allocUnsafe(HEADER);
    const stale: ValueRef[] = [];
    let at = 0;
    while (at < this.#size) {
      const n = fs.readSync(fd, header, 0, HEADER, at);
      const length = n === HEADER ? HEADER + header.readUInt32BE(1) : Number.POSITIVE_INFINITY;
      if (at + length > this.#size || (header[0] !== LIVE && header[0] !== ERASED)) {
        // A record torn by a crash during its append (never referenced): cut it off.
        fs.ftruncateSync(fd, at);
        this.#size = at;
        break;
      }
      if (header[0] === LIVE && !isReferenced(at)) stale.push({ offset: at, length });
      at += length;
    }
    this.erase(stale);
    fs.fsyncSync(fd);
    return stale.length;
  }

  close(): void {
    if (this.#fd === undefined) return;
    fs.closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.byteLength) {
    done += fs.writeSync(fd, buf, done, buf.byteLength - done, position + done);
  }
}
