import fs from 'node:fs';
import path from 'node:path';
import { bytesEqual, ConsortiaError, diskUsage } from '../common/index.js';
import { type ParsedBlock, type ParsedTx, withValidationCodes } from '../protocol/index.js';
import { acquireDirLock } from './dirLock.js';
import { LedgerErrorCodes } from './errors.js';
import { IndexStore, SUPPORTED_FORMATS } from './indexStore.js';
import { decodeVersion, namespaceBounds, stateKey, VERSION_BYTES } from './keys.js';
import { BLOCKS_DIR, INDEX_FILE, prepareDir } from './ledgerDir.js';
import { prepareBlock } from './prepareBlock.js';
import { type BlockPrivateData, type PrivateEntry, PrivateStore } from './privateStore.js';
import { readHistory } from './readHistory.js';
import { type Recovered, recoverSegments } from './recoverSegments.js';
import { fsyncDir, type SegmentStore } from './segmentStore.js';
import type {
  HistoryEntry,
  LedgerStorage,
  RecoveryReport,
  StateEntry,
  StateReader,
  TxLocation,
} from './types.js';

/** Options of `Ledger.open`. */
export interface LedgerOptions {
  /** The directory of this ledger (one per peer and channel); created when missing. */
  readonly dir: string;
  /** The channel whose blocks the ledger holds; an existing ledger of another channel is refused. */
  readonly channel: string;
  /** Size at which a new segment file is started (default 64 MiB); small values are for tests. */
  readonly segmentMaxBytes?: number;
}

/**
 * Test hook: `CONSORTIA_FAULT=crash-after-append:<n>[:<dir part>]` SIGKILLs the process once
 * block n is fsynced, before its state commit; with a dir part, only in ledgers whose directory
 * path contains it (so one node of an embedded network can be made to crash).
 */
function faultBlock(dir: string): number | undefined {
  const m = /^crash-after-append:(\d+)(?::(.+))?$/.exec(process.env.CONSORTIA_FAULT ?? '');
  if (!m || (m[2] !== undefined && !dir.includes(m[2]))) return undefined;
  return Number(m[1]);
}

/** The value bytes of a stored state value (after its version), as a plain Uint8Array view. */
function storedValue(stored: Buffer): Uint8Array {
  return new Uint8Array(stored.buffer, stored.byteOffset + VERSION_BYTES, stored.byteLength - VERSION_BYTES);
}

/**
 * Blocks kept in memory after their commit: the newest blocks are read right after it (block
 * events, metrics, delivery to late subscribers), and stored blocks are compressed.
 */
const RECENT_BLOCKS = 8;

/**
 * The ledger of one channel on one peer: the block store (segment files), and in LMDB the block and
 * transaction indexes, the versioned world state, key-level policies and key history.
 *
 * @example
 * const ledger = await Ledger.open({ dir: '/var/consortia/peer0/telecom', channel: 'telecom' });
 * await ledger.commitBlock(validatedBlock, parsedTxs);
 * ledger.getState('asset', 'a1')?.value;
 */
export class Ledger implements StateReader {
  readonly channel: string;
  readonly recoveryReport: RecoveryReport;
  readonly #dir: string;
  readonly #index: IndexStore;
  readonly #segments: SegmentStore;
  readonly #release: () => void;
  readonly #fault: number | undefined;
  readonly #private: PrivateStore;
  #height: number;
  #lastHash: Uint8Array | undefined;
  readonly #recent = new Map<number, Uint8Array>();
  #closed = false;

  private constructor(
    opts: Readonly<{ dir: string; channel: string; index: IndexStore; release: () => void } & Recovered>,
  ) {
    this.#dir = opts.dir;
    this.channel = opts.channel;
    this.#index = opts.index;
    this.#segments = opts.segments;
    this.#release = opts.release;
    this.#height = opts.tip.height;
    this.#lastHash = opts.tip.lastHash;
    this.recoveryReport = opts.report;
    this.#fault = faultBlock(opts.dir);
    this.#private = new PrivateStore({ dir: opts.dir, db: opts.index.private });
  }

  /**
   * Opens the ledger in `dir`, creating it when the directory is new, and replays blocks that were
   * appended but not yet applied to the state (after a crash). Throws LEDGER_CORRUPT,
   * LEDGER_CHANNEL_MISMATCH, LEDGER_FORMAT_UNSUPPORTED or LEDGER_LOCKED.
   *
   * @example
   * const ledger = await Ledger.open({ dir, channel: 'telecom' });
   * if (ledger.recoveryReport.replayedBlocks.length > 0) log.info(ledger.recoveryReport, 'ledger recovered');
   */
  static async open(opts: Readonly<LedgerOptions>): Promise<Ledger> {
    const { dir, channel } = opts;
    if (channel.length === 0) {
      throw new ConsortiaError(LedgerErrorCodes.LEDGER_WRONG_CHANNEL, 'a ledger needs a channel name');
    }
    prepareDir(dir);
    const release = acquireDirLock(dir);
    let index: IndexStore | undefined;
    try {
      index = IndexStore.open(path.join(dir, INDEX_FILE));
      const found = index.channel;
      if (found === undefined) {
        index.init(channel);
      } else if (found !== channel) {
        throw new ConsortiaError(
          LedgerErrorCodes.LEDGER_CHANNEL_MISMATCH,
          `${dir} holds the ledger of channel '${found}', not '${channel}'; use that channel's own directory`,
          { expected: channel, found },
        );
      }
      if (!SUPPORTED_FORMATS.includes(index.formatVersion ?? 0)) {
        throw new ConsortiaError(
          LedgerErrorCodes.LEDGER_FORMAT_UNSUPPORTED,
          `${dir} uses ledger format ${String(index.formatVersion)}, which this version cannot read; upgrade Consortia`,
          { found: index.formatVersion },
        );
      }
      const blocksDir = path.join(dir, BLOCKS_DIR);
      if (!fs.existsSync(blocksDir)) {
        fs.mkdirSync(blocksDir);
        fsyncDir(dir);
      }
      const r = recoverSegments({ blocksDir, channel, index, maxBytes: opts.segmentMaxBytes });
      return new Ledger({ dir, channel, index, release, ...r });
    } catch (err) {
      await index?.close();
      release();
      throw err;
    }
  }

  /** The number of committed blocks (the number the next block must have). */
  get height(): number {
    return this.#height;
  }

  /** The hash (SHA-256 of the header bytes) of the last committed block. */
  get lastBlockHash(): Uint8Array | undefined {
    return this.#lastHash;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CLOSED,
        `the ledger of channel '${this.channel}' is closed; open it again`,
      );
    }
    if (this.#segments.failed) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_FAILED,
        `a write to the ledger of channel '${this.channel}' failed and could not be undone; close and reopen it`,
      );
    }
  }

  /**
   * The current value and version of `key` in namespace `ns`, or undefined when it does not exist.
   *
   * @example
   * const entry = ledger.getState('asset', 'a1'); // { key, value, version: { block, tx } }
   */
  getState(ns: string, key: string): StateEntry | undefined {
    this.#assertOpen();
    const b = this.#index.state.getBinary(stateKey(ns, key));
    return b === undefined ? undefined : { key, value: storedValue(b), version: decodeVersion(b) };
  }

  /**
   * Entries of `ns` with `startKey <= key < endKey` in UTF-8 byte order (`endKey` '' reads to the end
   * of the namespace). The iteration reads one snapshot, unaffected by commits made meanwhile.
   *
   * @example
   * for (const { key, value } of ledger.rangeState('asset', 'a', 'b')) use(key, value);
   */
  rangeState(ns: string, startKey: string, endKey: string): Iterable<StateEntry> {
    this.#assertOpen();
    const bounds = namespaceBounds(ns);
    const start = stateKey(ns, startKey);
    const end = endKey === '' ? bounds.end : stateKey(ns, endKey);
    if (Buffer.compare(start, end) >= 0) return [];
    const skip = bounds.start.byteLength;
    return this.#index.state.getRange({ start, end, snapshot: true }).map(({ key, value }) => ({
      key: key.toString('utf8', skip),
      value: storedValue(value),
      version: decodeVersion(value),
    }));
  }

  /**
   * The key-level endorsement policy of `key`, or undefined when none is set.
   *
   * @example
   * const policy = ledger.getKeyPolicy('asset', 'a1') ?? contractPolicy;
   */
  /**
   * Private data of a key hash: the hashed state, with the plaintext on a member peer that holds it.
   *
   * @example
   * ledger.getPrivateEntry('private-notes', 'telco-ab', privateKeyHash('note-1'))?.version;
   */
  getPrivateEntry(ns: string, collection: string, keyHash: Uint8Array): PrivateEntry | undefined {
    this.#assertOpen();
    return this.#private.get(ns, collection, keyHash);
  }

  /** The private data store: missing records, reconciliation, the hashed state digest. */
  get privateData(): PrivateStore {
    this.#assertOpen();
    return this.#private;
  }

  getKeyPolicy(ns: string, key: string): string | undefined {
    this.#assertOpen();
    return this.#index.keyPolicies.getBinary(stateKey(ns, key))?.toString('utf8');
  }

  /**
   * Every change of `key`, oldest first, with the values read back from the stored blocks.
   *
   * @example
   * for (const h of ledger.getHistory('asset', 'a1')) console.log(h.blockNumber, h.txId, h.isDelete);
   */
  getHistory(ns: string, key: string): HistoryEntry[] {
    this.#assertOpen();
    return readHistory({
      history: this.#index.history,
      state: this.#index.state,
      ns,
      key,
      getBlock: (n) => this.getBlock(n),
      indexFile: path.join(this.#dir, INDEX_FILE),
    });
  }

  /**
   * The stored bytes of block `n` (with validation codes), or undefined past the height. Throws
   * LEDGER_CORRUPT when the record on disk fails its checksum.
   *
   * @example
   * const block = parseBlock(ledger.getBlock(ledger.height - 1)!);
   */
  getBlock(n: number): Uint8Array | undefined {
    this.#assertOpen();
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.#height) return undefined;
    const recent = this.#recent.get(n);
    if (recent !== undefined) return recent;
    const loc = this.#index.blockLocation(n);
    if (loc === undefined) return undefined;
    return this.#segments.read(loc.segment, loc.offset, loc.length);
  }

  /**
   * Where `txId` was first committed, with its validation code, or undefined when it never was.
   *
   * @example
   * const status = ledger.getTxLocation(txId); // { blockNumber, txIndex, validationCode }
   */
  getTxLocation(txId: string): TxLocation | undefined {
    this.#assertOpen();
    return this.#index.txLocation(txId);
  }

  /**
   * True when a committed block holds `txId` (valid or not): a new one with that id is a duplicate.
   *
   * @example
   * if (ledger.hasTxId(tx.txId)) code = ValidationCode.DUPLICATE_TXID;
   */
  hasTxId(txId: string): boolean {
    this.#assertOpen();
    return this.#index.hasTx(txId);
  }

  /**
   * A certificate some committed block carried in full (as a creator or endorser), by its
   * SHA-256; identities may name it by hash from the next block on (decision 0007).
   *
   * @example
   * const der = ledger.getCertificate(identity.certHash);
   */
  getCertificate(hash: Uint8Array): Uint8Array | undefined {
    this.#assertOpen();
    return this.#index.certificate(hash);
  }

  /**
   * Bytes this ledger takes on disk, by store: block files, each index table, the index file's
   * free pages, and the rest of the directory.
   *
   * @example
   * const { blockFiles, indexTables } = ledger.storageBytes();
   */
  storageBytes(): LedgerStorage {
    this.#assertOpen();
    const { tables } = this.#index.pageUsage();
    const used = Object.values(tables).reduce((a, b) => a + b, 0);
    const total = diskUsage(this.#dir).bytes;
    const blockFiles = diskUsage(path.join(this.#dir, BLOCKS_DIR)).bytes;
    const indexFile = fs.statSync(path.join(this.#dir, INDEX_FILE)).size;
    return {
      blockFiles,
      indexTables: tables,
      indexFree: Math.max(0, indexFile - used),
      other: total - blockFiles - indexFile,
    };
  }

  /**
   * Bytes of the latest valid channel config (the genesis one included).
   *
   * @example
   * const config = decodeChannelConfig(ledger.getChannelConfig()!);
   */
  getChannelConfig(): Uint8Array | undefined {
    this.#assertOpen();
    return this.#index.channelConfig;
  }

  /**
   * Commits a validated block atomically: appends it (with its validation codes) to the block
   * store and fsyncs, then in one LMDB transaction applies the writes of its valid transactions,
   * history, transaction index, config and savepoint. `txs` are the parsed envelopes, in block
   * order, when the caller has them. A member peer passes the plaintext private data it received
   * (`privateData`); it is stored in the same commit. Commits must not overlap.
   *
   * @example
   * const block = { ...parseBlock(bytes), validationCodes: codes };
   * await ledger.commitBlock(block, txs);
   */
  async commitBlock(
    block: ParsedBlock,
    txs?: readonly (ParsedTx | undefined)[],
    privateData?: BlockPrivateData,
  ): Promise<void> {
    this.#assertOpen();
    if (block.channel !== this.channel) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_WRONG_CHANNEL,
        `block ${block.number} belongs to channel '${block.channel}', not '${this.channel}'`,
        { expected: this.channel, got: block.channel },
      );
    }
    if (block.number !== this.#height) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_OUT_OF_ORDER,
        `block ${block.number} cannot be committed at height ${this.#height}; commit block ${this.#height} next`,
        { expected: this.#height, got: block.number },
      );
    }
    const previous = this.#lastHash ?? new Uint8Array(0);
    if (!bytesEqual(block.previousHash, previous)) {
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_CHAIN_BROKEN,
        `block ${block.number} does not follow the last committed block (previous hash differs); fetch the block again`,
        { block: block.number },
      );
    }
    const prepared = prepareBlock(block, txs);
    this.#private.stage(prepared.private, block.number, privateData);
    const bytes = withValidationCodes(block, block.validationCodes);
    // Asynchronous (thread pool, lmdb's write thread): other peers, the orderer and endorsements
    // of this process keep running while this block is flushed.
    const rec = await this.#segments.appendAsync(bytes);
    // Test hook (CONSORTIA_FAULT=crash-after-append:<n>): die between the fsync and the index commit.
    if (this.#fault === block.number) process.kill(process.pid, 'SIGKILL');
    try {
      await this.#index.applyAsync(prepared, { ...rec, hash: block.hash });
    } catch (err) {
      this.#private.afterCommit(prepared.private, false);
      this.#segments.undoAppend(rec);
      throw new ConsortiaError(
        LedgerErrorCodes.LEDGER_IO,
        `could not write block ${block.number} to the ledger index: ${(err as Error).message}`,
        { block: block.number },
        { cause: err },
      );
    }
    this.#private.afterCommit(prepared.private, true);
    this.#height = block.number + 1;
    this.#lastHash = block.hash;
    this.#recent.set(block.number, bytes);
    if (this.#recent.size > RECENT_BLOCKS) this.#recent.delete(block.number - RECENT_BLOCKS);
  }

  /**
   * Hex SHA-256 over the whole world state (key, version, value) and then the key policies, in key
   * order: two ledgers with the same committed blocks give the same digest.
   *
   * @example
   * if (ledger.stateDigest() !== replayed.stateDigest()) throw new Error('state differs from a replay');
   */
  stateDigest(): string {
    this.#assertOpen();
    return this.#index.digest();
  }

  /**
   * Closes the files and releases the directory. Calling it again does nothing.
   *
   * @example
   * await ledger.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#segments.close();
    this.#private.close();
    await this.#index.close();
    this.#release();
  }
}
