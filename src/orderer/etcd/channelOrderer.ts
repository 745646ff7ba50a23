import { ConsortiaError, isConsortiaError, type Logger, toBase64, toHex } from '../../common/index.js';
import { type Signer, sha256 } from '../../crypto/index.js';
import type { Ledger } from '../../ledger/index.js';
import { type ChannelContext, validateConfigTx } from '../../peer/index.js';
import {
  type BatchConfig,
  blockSigningBytes,
  type ChannelConfig,
  decodeChannelConfig,
  encodeBlock,
  newBlockHeader,
  parseBlock,
  parseEnvelope,
  ValidationCode,
} from '../../protocol/index.js';
import { BatchWriter } from './batchWriter.js';
import { tallySignatures } from './blockSignatures.js';
import type { CursorStore } from './cursorStore.js';
import { EtcdOrdererErrorCodes } from './errors.js';
import type { EtcdChannelLog } from './etcdChannelLog.js';
import { type LogCut, LogCutter, type LogPosition } from './logCutter.js';
import { decodeLogEntry, encodeLogEntry } from './logEntry.js';

export interface ChannelOrdererOptions {
  readonly ledger: Ledger;
  readonly context: ChannelContext;
  readonly log: EtcdChannelLog;
  readonly cursors: CursorStore;
  /** `Org.name` of this orderer, and its org and identity bytes. */
  readonly ordererId: string;
  readonly mspId: string;
  readonly identityBytes: Uint8Array;
  readonly signer: Signer;
  readonly logger: Logger;
  readonly maxPutBytes?: number;
  readonly compactEvery?: number;
}

type Signed = { signer: Uint8Array; signature: Uint8Array; mspId: string };

/**
 * One channel of an etcd orderer: it writes accepted envelopes to the channel's log, reads the
 * log back and cuts blocks with a LogCutter, writes cut markers when the batch timeout passes,
 * signs each header, waits for the quorum of ordering-org signatures, stores the block, records
 * where to resume, publishes its progress and compacts the log.
 *
 * @example
 * const ch = await ChannelOrderer.open({ ledger, context, log, cursors, ordererId, mspId, identityBytes, signer, logger });
 * await ch.submit(envelope);
 */
export class ChannelOrderer {
  readonly name: string;
  readonly #opts: ChannelOrdererOptions;
  readonly #ledger: Ledger;
  readonly #log: EtcdChannelLog;
  readonly #logger: Logger;
  readonly #writer: BatchWriter;
  readonly #listeners = new Set<() => void>();
  /** Contexts of config blocks cut but not stored yet, by envelope. */
  readonly #configs = new Map<Uint8Array, ChannelContext>();
  /** Context of the stored chain; `head` also counts config blocks cut but not stored. */
  #context: ChannelContext;
  #head: ChannelContext;
  #cutter!: LogCutter;
  #wake: (() => void) | undefined;
  #dirty = true;
  #timer: { block: number; handle: NodeJS.Timeout } | undefined;
  #stopWatch: (() => Promise<void>) | undefined;
  #running: Promise<void> | undefined;
  #sinceCompact = 0;
  #progressAt = 0;
  #progressTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(opts: Readonly<ChannelOrdererOptions>) {
    this.#opts = opts;
    this.name = opts.ledger.channel;
    this.#ledger = opts.ledger;
    this.#log = opts.log;
    this.#logger = opts.logger.child({ channel: this.name });
    this.#context = opts.context;
    this.#head = opts.context;
    this.#writer = new BatchWriter({
      append: (e) => opts.log.append(e),
      ...(opts.maxPutBytes ? { maxPutBytes: opts.maxPutBytes } : {}),
    });
  }

  /** Positions the channel after its stored blocks, starts watching and reading the log. */
  static async open(opts: Readonly<ChannelOrdererOptions>): Promise<ChannelOrderer> {
    const ch = new ChannelOrderer(opts);
    ch.#cutter = ch.#newCutter(await ch.#publishedResume());
    ch.#stopWatch = await opts.log.watch(() => ch.#poke());
    ch.#running = ch.#run();
    return ch;
  }

  /** The context envelopes are checked against (it includes config updates being ordered). */
  get head(): ChannelContext {
    return this.#head;
  }

  get config(): ChannelConfig {
    return this.#context.config;
  }

  get height(): number {
    return this.#ledger.height;
  }

  getBlock(n: number): Uint8Array | undefined {
    return this.#ledger.getBlock(n);
  }

  onNewBlock(wake: () => void): () => void {
    this.#listeners.add(wake);
    return () => this.#listeners.delete(wake);
  }

  readers(): readonly string[] {
    return [...this.#context.appOrgs, ...this.#context.ordererOrgs];
  }

  /** Writes a checked envelope to the log; resolves when etcd acknowledged the put. */
  submit(envelope: Uint8Array, deadline?: number): Promise<void> {
    return this.#writer.submit(envelope, deadline);
  }

  /** This orderer's last published progress, as a fallback when its cursor file is lost. */
  async #publishedResume(): Promise<{ block: number; position: LogPosition } | undefined> {
    try {
      const p = (await this.#log.progress()).find((x) => x.orderer === this.#opts.ordererId);
      if (!p || p.height > this.#ledger.height || p.height < 1) return undefined;
      return { block: p.height - 1, position: { rev: BigInt(p.rev), index: p.index ?? 0 } };
    } catch {
      return undefined;
    }
  }

  /** A cutter positioned after the last block whose resume point was recorded. */
  #newCutter(published?: { block: number; position: LogPosition }): LogCutter {
    const height = this.#ledger.height;
    const local = this.#opts.cursors.resumeAfter(height - 1);
    const saved =
      local && published ? (local.block >= published.block ? local : published) : (local ?? published);
    const from = saved ?? { block: 0, position: { rev: 0n, index: 0 } };
    if (!saved && height > 1)
      this.#logger.warn({ height }, 'no log cursor: rebuilding every block from the log');
    const last = parseBlock(this.#ledger.getBlock(from.block)!);
    const config =
      from.block === height - 1
        ? decodeChannelConfig(this.#ledger.getChannelConfig()!)
        : configAt(this.#ledger, from.block);
    return new LogCutter({
      batch: config.batch,
      nextBlock: from.block + 1,
      lastTimestamp: last.timestamp,
      start: from.position,
      isConfig: (e) => {
        try {
          return parseEnvelope(e).type === 'config';
        } catch {
          return false;
        }
      },
      checkConfig: (e, ts) => this.#checkConfig(e, ts),
    });
  }

  async #checkConfig(envelope: Uint8Array, timestamp: number): Promise<BatchConfig | undefined> {
    const number = this.#cutter.nextBlock;
    if (number < this.#ledger.height) {
      // Rebuilding a stored block: the store already says whether the update was ordered.
      const stored = parseBlock(this.#ledger.getBlock(number)!);
      return stored.envelopes.length === 1 && Buffer.compare(stored.envelopes[0]!, envelope) === 0
        ? configAt(this.#ledger, number).batch
        : undefined;
    }
    try {
      const tx = parseEnvelope(envelope);
      if (tx.type !== 'config') return undefined;
      const next = await validateConfigTx(tx, this.#head, new Date(timestamp));
      this.#head = next;
      this.#configs.set(envelope, next);
      return next.config.batch;
    } catch (err) {
      this.#logger.warn({ err }, 'config update refused at cut time');
      return undefined;
    }
  }

  #poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#dirty || this.#stopped) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /** Reads the log and makes blocks until stopped. */
  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#dirty = false;
      try {
        const entries = await this.#log.read(this.#cutter.readFrom);
        for (const e of entries) {
          let entry: ReturnType<typeof decodeLogEntry> | undefined;
          try {
            entry = decodeLogEntry(e.value);
          } catch {
            entry = undefined;
          }
          for (const cut of await this.#cutter.apply(e.rev, entry)) await this.#makeBlock(cut);
          if (this.#stopped) return;
        }
        this.#armTimer();
        if (entries.length > 0) continue;
      } catch (err) {
        if (this.#stopped) return;
        if (isConsortiaError(err, EtcdOrdererErrorCodes.ORDERER_DIVERGED)) {
          this.#logger.error({ err }, 'stopped ordering this channel');
          return;
        }
        this.#logger.warn({ err }, 'reading the ordering log failed; retrying');
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      await this.#sleep(1000);
    }
  }

  /** Writes a cut marker when the batch timeout passes with envelopes pending. */
  #armTimer(): void {
    const block = this.#cutter.nextBlock;
    if (this.#cutter.pendingCount === 0 || (this.#timer && this.#timer.block !== block)) {
      if (this.#timer) clearTimeout(this.#timer.handle);
      this.#timer = undefined;
    }
    if (this.#cutter.pendingCount === 0 || this.#timer) return;
    const handle = setTimeout(
      () => {
        if (this.#cutter.nextBlock !== block || this.#cutter.pendingCount === 0 || this.#stopped) return;
        this.#log.append(encodeLogEntry({ kind: 'cut', ts: Date.now(), block })).catch((err: unknown) => {
          this.#logger.warn({ err }, 'could not write a cut marker');
          if (this.#timer?.block === block) this.#timer = undefined;
          this.#poke();
        });
      },
      markerDelay(this.#head, this.#opts.mspId, block),
    );
    this.#timer = { block, handle };
  }

  async #makeBlock(cut: LogCut): Promise<void> {
    const ledger = this.#ledger;
    if (cut.number < ledger.height) {
      const stored = parseBlock(ledger.getBlock(cut.number)!);
      const header = newBlockHeader({
        channel: this.name,
        number: cut.number,
        previousHash: stored.previousHash,
        envelopes: cut.envelopes,
        timestamp: cut.timestamp,
      });
      if (Buffer.compare(sha256(header), stored.hash) !== 0) {
        throw new ConsortiaError(
          EtcdOrdererErrorCodes.ORDERER_DIVERGED,
          `block ${cut.number} rebuilt from the ordering log differs from the stored one; the log was altered`,
          { channel: this.name, block: cut.number },
        );
      }
      return;
    }
    const header = newBlockHeader({
      channel: this.name,
      number: cut.number,
      previousHash: ledger.lastBlockHash ?? new Uint8Array(),
      envelopes: cut.envelopes,
      timestamp: cut.timestamp,
    });
    const hash = sha256(header);
    const { identityBytes, mspId, ordererId } = this.#opts;
    const signature = await this.#opts.signer(blockSigningBytes(header, identityBytes));
    const published = this.#log.putSignature(cut.number, ordererId, {
      hash: toHex(hash),
      signer: toBase64(identityBytes),
      signature: toBase64(signature),
    });
    const signatures = await this.#collect(cut, header, hash, { signer: identityBytes, signature, mspId });
    await published;
    const blockBytes = encodeBlock(header, cut.envelopes, signatures);
    const codes = new Uint8Array(cut.envelopes.length).fill(
      cut.isConfig ? ValidationCode.VALID : ValidationCode.NOT_VALIDATED,
    );
    await ledger.commitBlock({ ...parseBlock(blockBytes), validationCodes: codes });
    if (cut.isConfig) {
      const next = this.#configs.get(cut.envelopes[0]!);
      if (next) this.#context = next;
      this.#configs.delete(cut.envelopes[0]!);
    }
    this.#opts.cursors.record(cut.number, cut.resume);
    for (const l of this.#listeners) l();
    // Progress (for compaction) is published at most every half second, to spare etcd writes;
    // the last progress of a burst is published when the half second is over, so the log is
    // compacted up to it even when no block follows.
    void this.#publishProgress();
    if (++this.#sinceCompact >= (this.#opts.compactEvery ?? 32)) {
      this.#sinceCompact = 0;
      void this.#compact();
    }
  }

  #publishProgress(): Promise<void> {
    const wait = this.#progressAt + 500 - Date.now();
    if (wait > 0) {
      this.#progressTimer ??= setTimeout(() => {
        this.#progressTimer = undefined;
        if (!this.#stopped) void this.#publishProgress().then(() => this.#compact());
      }, wait);
      this.#progressTimer.unref?.();
      return Promise.resolve();
    }
    this.#progressAt = Date.now();
    const { ordererId, mspId } = this.#opts;
    const height = this.#ledger.height;
    const resume = this.#opts.cursors.resumeAfter(height - 1);
    if (!resume || resume.block !== height - 1) return Promise.resolve();
    return this.#log
      .putProgress({
        orderer: ordererId,
        mspId,
        height,
        rev: resume.position.rev.toString(),
        index: resume.position.index,
      })
      .catch(() => undefined);
  }

  /** Waits until ordering orgs' signatures on this header reach the channel's quorum. */
  async #collect(cut: LogCut, header: Uint8Array, hash: Uint8Array, own: Signed): Promise<Signed[]> {
    const required = this.#context.config.ordering.signaturesRequired;
    let warned = false;
    while (!this.#stopped) {
      this.#dirty = false;
      const published = await this.#log.signatures(cut.number);
      const tally = tallySignatures(published, header, hash, this.#context, new Date(cut.timestamp));
      if (tally.conflicting.length > 0 && !warned) {
        warned = true;
        this.#logger.error(
          { block: cut.number, orgs: tally.conflicting },
          'ordering orgs signed another header for this block',
        );
      }
      const others = tally.matching.filter((s) => s.mspId !== own.mspId);
      if (others.length + 1 >= required) return [own, ...others];
      await this.#sleep(500);
    }
    throw new ConsortiaError('ORDERER_STOPPED', 'the orderer stopped while collecting block signatures');
  }

  /** Deletes log entries and signatures every ordering org has stored blocks past. */
  async #compact(): Promise<void> {
    try {
      const progress = await this.#log.progress();
      if (!this.#context.ordererOrgs.every((o) => progress.some((p) => p.mspId === o))) return;
      const rev = progress.reduce(
        (m, p) => (BigInt(p.rev) < m ? BigInt(p.rev) : m),
        BigInt(progress[0]!.rev),
      );
      const height = Math.min(...progress.map((p) => p.height));
      const deleted = await this.#log.compact(rev, height - 2);
      this.#logger.debug({ rev: rev.toString(), deleted }, 'ordering log compacted');
    } catch (err) {
      this.#logger.warn({ err }, 'compacting the ordering log failed');
    }
  }

  /** Writes what was accepted, stops reading, and closes the block store. */
  async close(): Promise<void> {
    await this.#writer.flush().catch(() => undefined);
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer.handle);
    if (this.#progressTimer) clearTimeout(this.#progressTimer);
    this.#wake?.();
    await this.#stopWatch?.().catch(() => undefined);
    await this.#running?.catch(() => undefined);
    this.#listeners.clear();
    await this.#ledger.close();
  }
}

/**
 * When this orderer writes the cut marker of `block`: after the batch timeout for one ordering
 * org (a different one for each block, to spread the writes), half a timeout later for the next,
 * and so on. Usually one marker is written per block; if that org is down, the next one covers.
 */
function markerDelay(context: ChannelContext, mspId: string, block: number): number {
  const orgs = context.ordererOrgs;
  const i = Math.max(0, orgs.indexOf(mspId));
  const rank = (i - (block % orgs.length) + orgs.length) % orgs.length;
  const timeout = context.config.batch.timeoutMs;
  return timeout + Math.round((rank * timeout) / 2);
}

/** The channel config in force at block `n`: that of the last config block at or before it. */
function configAt(ledger: Ledger, n: number): ChannelConfig {
  for (let i = n; i >= 0; i--) {
    const block = parseBlock(ledger.getBlock(i)!);
    if (block.envelopes.length !== 1) continue;
    if (i > 0 && block.validationCodes[0] !== ValidationCode.VALID) continue;
    try {
      const tx = parseEnvelope(block.envelopes[0]!);
      if (tx.type === 'config') return decodeChannelConfig(tx.config.config);
    } catch {
      // not a config transaction
    }
  }
  throw new ConsortiaError('LEDGER_CORRUPT', `no channel config at or before block ${n}`);
}
