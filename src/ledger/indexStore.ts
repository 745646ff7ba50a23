import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type Database, open, type RootDatabase, TransactionFlags } from 'lmdb';
import { ConsortiaError } from '../common/index.js';
import { LedgerErrorCodes } from './errors.js';
import {
  type BlockLocation,
  decodeBlockLocation,
  decodeTxLocation,
  decodeVersion,
  encodeBlockLocation,
  encodeStateValue,
  encodeTxLocation,
  historyKey,
  readU64,
  txIdKey,
  txIndexKey,
  u64Key,
} from './keys.js';
import type { PreparedBlock } from './prepareBlock.js';
import { applyPrivateBatch } from './privateBatch.js';
import type { TxLocation, VersionRef } from './types.js';

/**
 * Version of the on-disk layout new ledgers get; stored in `meta` and checked on open. Format 2
 * keys the transaction index by 16 bytes of the id instead of 32; everything else reads alike.
 */
export const FORMAT_VERSION = 2;
/** The layouts this version reads and writes. */
export const SUPPORTED_FORMATS: readonly number[] = [1, 2];

const META_CHANNEL = Buffer.from('channel');
const META_FORMAT = Buffer.from('format');
const META_SAVEPOINT = Buffer.from('savepoint');
const META_CONFIG = Buffer.from('config');
/** Certificates by SHA-256: `cert:` + 32 bytes → DER (in meta, so old ledger files need no new table). */
const META_CERT_PREFIX = Buffer.from('cert:');

function certKey(hash: Uint8Array): Buffer {
  return Buffer.concat([META_CERT_PREFIX, hash]);
}
const HISTORY_WRITE = Buffer.of(0);
const HISTORY_DELETE = Buffer.of(1);

/** LMDB's meta page magic 0xBEEFC0DE, little-endian, after the 24-byte page header. */
const LMDB_MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);
const META_PAGE_BYTES = 160;
const META_MAGIC_AT = 24;
const META_PAGE_SIZE_AT = 48;
const META_LAST_PAGE_AT = 144;
const META_TXNID_AT = 152;

/**
 * The block is fsynced in the segment file before its index transaction runs, and blocks past the
 * savepoint are replayed on open, so the index commit need not wait for its own flush: LMDB's
 * overlapping sync keeps the file consistent and only the last transactions can be lost in a
 * power cut. That keeps one fsync per block on the commit path.
 */
const COMMIT_FLAGS =
  TransactionFlags.ABORTABLE | TransactionFlags.SYNCHRONOUS_COMMIT | TransactionFlags.NO_SYNC_FLUSH;

type BinDb = Database<Buffer, Buffer>;

/** The tables (LMDB sub-databases) of the index. */
export const INDEX_TABLES = [
  'meta',
  'blockIndex',
  'txIndex',
  'state',
  'keyPolicies',
  'history',
  'private',
] as const;
export type IndexTable = (typeof INDEX_TABLES)[number];

interface LmdbStats {
  readonly pageSize: number;
  readonly treeBranchPageCount: number;
  readonly treeLeafPageCount: number;
  readonly overflowPages: number;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * LMDB crashes the process (it does not throw) on a data file that is not LMDB, so the file is
 * checked first: it must be empty (LMDB initialises it) or start with an LMDB meta page.
 */
function checkDataFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const bad = (why: string) =>
    new ConsortiaError(
      LedgerErrorCodes.LEDGER_CORRUPT,
      `${file} is not a Consortia ledger index (${why}); restore it or remove it to rebuild from the block files`,
      {
        file,
      },
    );
  if (!stat.isFile()) throw bad('not a regular file');
  if (stat.size === 0) return;
  if (stat.size < 8192) throw bad('too short');
  const fd = fs.openSync(file, 'r');
  try {
    const meta0 = readAt(fd, 0, META_PAGE_BYTES);
    if (meta0.indexOf(LMDB_MAGIC) !== META_MAGIC_AT) throw bad('no LMDB header');
    // In the layout of the LMDB built into lmdb 3 (data format 2), check that the file holds every
    // page its newest meta page names: LMDB dies with SIGBUS on a truncated file.
    const pageSize = meta0.readUInt32LE(META_PAGE_SIZE_AT);
    if (
      meta0.readUInt32LE(META_MAGIC_AT + 4) !== 2 ||
      pageSize < 512 ||
      pageSize > 65536 ||
      (pageSize & (pageSize - 1)) !== 0
    ) {
      return;
    }
    const meta1 = readAt(fd, pageSize, META_PAGE_BYTES);
    const metas = [meta0, meta1].filter((m) => m.indexOf(LMDB_MAGIC) === META_MAGIC_AT);
    const newest = metas.reduce((a, b) =>
      b.readBigUInt64LE(META_TXNID_AT) > a.readBigUInt64LE(META_TXNID_AT) ? b : a,
    );
    const needed = (newest.readBigUInt64LE(META_LAST_PAGE_AT) + 1n) * BigInt(pageSize);
    if (BigInt(stat.size) < needed) throw bad(`truncated: ${stat.size} of ${needed} bytes`);
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  fs.readSync(fd, buf, 0, length, position);
  return buf;
}

/** The LMDB side of a ledger: meta, blockIndex, txIndex, state, keyPolicies and history. */
export class IndexStore {
  readonly #root: RootDatabase;
  readonly meta: BinDb;
  readonly blockIndex: BinDb;
  readonly txIndex: BinDb;
  readonly state: BinDb;
  readonly keyPolicies: BinDb;
  readonly history: BinDb;
  /** Private data: hashed state, blockToLive schedule, missing records (see privateBatch.ts). */
  readonly private: BinDb;
  #format: number | undefined;

  private constructor(root: RootDatabase) {
    this.#root = root;
    const sub = (name: string): BinDb =>
      root.openDB<Buffer, Buffer>(name, { keyEncoding: 'binary', encoding: 'binary' });
    this.meta = sub('meta');
    this.blockIndex = sub('blockIndex');
    this.txIndex = sub('txIndex');
    this.state = sub('state');
    this.keyPolicies = sub('keyPolicies');
    this.history = sub('history');
    this.private = sub('private');
  }

  /** Opens (or creates) the index file. Throws LEDGER_CORRUPT when it is not an LMDB file. */
  static open(file: string): IndexStore {
    checkDataFile(file);
    try {
      return new IndexStore(open({ path: file, noSubdir: true, maxDbs: 8 }));
    } catch (err) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CORRUPT,
        `${file} could not be opened as a ledger index: ${(err as Error).message}`,
        { file },
        { cause: err },
      );
    }
  }

  get channel(): string | undefined {
    return this.meta.getBinary(META_CHANNEL)?.toString('utf8');
  }

  get formatVersion(): number | undefined {
    this.#format ??= this.meta.getBinary(META_FORMAT)?.readUInt32BE(0);
    return this.#format;
  }

  /** Records the channel and format of a new ledger. */
  init(channel: string): void {
    const format = Buffer.alloc(4);
    format.writeUInt32BE(FORMAT_VERSION, 0);
    this.#root.transactionSync(() => {
      this.meta.putSync(META_CHANNEL, Buffer.from(channel, 'utf8'));
      this.meta.putSync(META_FORMAT, format);
    });
    this.#format = FORMAT_VERSION;
  }

  /** The number of the last committed block, or undefined when none is. */
  get savepoint(): number | undefined {
    const b = this.meta.getBinary(META_SAVEPOINT);
    return b === undefined ? undefined : readU64(b, 0);
  }

  get channelConfig(): Uint8Array | undefined {
    const b = this.meta.getBinary(META_CONFIG);
    return b === undefined ? undefined : new Uint8Array(b);
  }

  /** A certificate a committed block carried in full, by its SHA-256. */
  certificate(hash: Uint8Array): Uint8Array | undefined {
    if (hash.byteLength !== 32) return undefined;
    const b = this.meta.getBinary(certKey(hash));
    return b === undefined ? undefined : new Uint8Array(b);
  }

  /** Where `txId` was first committed, or undefined. */
  txLocation(txId: string): TxLocation | undefined {
    const b = this.txIndex.getBinary(this.#txKey(txIdKey(txId)));
    return b === undefined ? undefined : decodeTxLocation(b);
  }

  hasTx(txId: string): boolean {
    return this.txIndex.doesExist(this.#txKey(txIdKey(txId)));
  }

  #txKey(idKey: Buffer): Buffer {
    return txIndexKey(idKey, this.formatVersion ?? FORMAT_VERSION);
  }

  blockLocation(n: number): BlockLocation | undefined {
    const b = this.blockIndex.getBinary(u64Key(n));
    return b === undefined ? undefined : decodeBlockLocation(b);
  }

  /** Writes everything a block changes, its index entry and the savepoint in one LMDB transaction. */
  apply(p: PreparedBlock, loc: BlockLocation): void {
    this.#root.transactionSync(() => this.#write(p, loc), COMMIT_FLAGS);
  }

  /**
   * `apply` as an asynchronous LMDB transaction: lmdb's write thread takes the lock and commits
   * (waiting for the previous flush there), so the caller's thread is not blocked meanwhile. A
   * child transaction, so a throw rolls the whole block back.
   */
  async applyAsync(p: PreparedBlock, loc: BlockLocation): Promise<void> {
    await this.#root.childTransaction(() => this.#write(p, loc));
  }

  /**
   * The history index holds every version of a key except the live one, which the state entry
   * names: a write moves the version it replaces into the history, a delete moves it there and
   * records itself. A key written once (the `register` shape) so costs no history entry.
   */
  #write(p: PreparedBlock, loc: BlockLocation): void {
    // Versions written earlier in this block (two blind writes of one key can share a block).
    const live = new Map<string, VersionRef | undefined>();
    for (const w of p.writes) {
      const id = w.sKey.toString('latin1');
      const previous = live.has(id) ? live.get(id) : this.#liveVersion(w.sKey);
      if (previous !== undefined) {
        this.history.putSync(historyKey(w.sKey, previous.block, previous.tx), HISTORY_WRITE);
      }
      if (w.value === undefined) {
        this.state.removeSync(w.sKey);
        this.history.putSync(historyKey(w.sKey, p.number, w.tx), HISTORY_DELETE);
        live.set(id, undefined);
      } else {
        this.state.putSync(w.sKey, encodeStateValue(p.number, w.tx, w.value));
        live.set(id, { block: p.number, tx: w.tx });
      }
    }
    for (const k of p.policies) {
      if (k.policy === '') this.keyPolicies.removeSync(k.sKey);
      else this.keyPolicies.putSync(k.sKey, Buffer.from(k.policy, 'utf8'));
    }
    applyPrivateBatch(this.private, p.private, p.number, () => this.channelConfig);
    for (const t of p.txIds) {
      const key = this.#txKey(t.key);
      if (!this.txIndex.doesExist(key)) this.txIndex.putSync(key, encodeTxLocation(p.number, t.tx, t.code));
    }
    if (p.config !== undefined) this.meta.putSync(META_CONFIG, asBuffer(p.config));
    for (const [hash, der] of p.certificates) {
      const key = certKey(Buffer.from(hash, 'hex'));
      if (!this.meta.doesExist(key)) this.meta.putSync(key, asBuffer(der));
    }
    this.blockIndex.putSync(u64Key(p.number), encodeBlockLocation(loc));
    this.meta.putSync(META_SAVEPOINT, u64Key(p.number));
  }

  #liveVersion(sKey: Buffer): VersionRef | undefined {
    const stored = this.state.getBinary(sKey);
    return stored === undefined ? undefined : decodeVersion(stored);
  }

  /** Bytes of LMDB pages each table uses (branch, leaf and overflow pages × page size). */
  pageUsage(): { tables: Record<IndexTable, number> } {
    const tables = {} as Record<IndexTable, number>;
    for (const name of INDEX_TABLES) {
      const s = this[name].getStats() as LmdbStats;
      tables[name] = (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize;
    }
    return { tables };
  }

  /** SHA-256 over every state entry (key, version, value) and then every key policy, in key order. */
  digest(): string {
    const h = createHash('sha256');
    const len = Buffer.alloc(4);
    const feed = (b: Buffer) => {
      len.writeUInt32BE(b.byteLength, 0);
      h.update(len);
      h.update(b);
    };
    h.update('state');
    for (const { key, value } of this.state.getRange({ snapshot: true })) {
      feed(key);
      feed(value);
    }
    h.update('keyPolicies');
    for (const { key, value } of this.keyPolicies.getRange({ snapshot: true })) {
      feed(key);
      feed(value);
    }
    return h.digest('hex');
  }

  async close(): Promise<void> {
    await this.#root.close();
  }
}
