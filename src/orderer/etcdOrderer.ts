import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { ConsortiaError, isConsortiaError, type Logger, silentLogger, toBase64, toHex } from '../common/index.js';
import { sha256, type Signer } from '../crypto/index.js';
import { Ledger } from '../ledger/index.js';
import { ChannelContext, validateConfigTx } from '../peer/index.js';
import {
  type BatchConfig,
  blockSigningBytes,
  type ChannelConfig,
  decodeChannelConfig,
  encodeBlock,
  encodeIdentity,
  newBlockHeader,
  parseBlock,
  parseEnvelope,
  ValidationCode,
} from '../protocol/index.js';
import { BroadcastLimiter, type BroadcastLimiterOptions } from './broadcastLimiter.js';
import { checkEnvelope } from './checkEnvelope.js';
import { BatchWriter } from './etcd/batchWriter.js';
import { tallySignatures } from './etcd/blockSignatures.js';
import { CursorStore } from './etcd/cursorStore.js';
import { EtcdChannelLog, etcdUnavailable } from './etcd/etcdChannelLog.js';
import { type LogCut, LogCutter, type LogPosition } from './etcd/logCutter.js';
import { decodeLogEntry, encodeLogEntry } from './etcd/logEntry.js';

/** How an orderer reaches the etcd cluster. */
export interface EtcdConnection {
  /** Client URLs of the members, e.g. `https://127.0.0.1:2379`. */
  readonly hosts: readonly string[];
  /** Mutual TLS to etcd: CA bundle, client certificate and key (PEM). */
  readonly tls?: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
}

export interface EtcdOrdererOptions {
  readonly mspId: string;
  readonly name: string;
  readonly certDer: Uint8Array;
  readonly signer: Signer;
  /** Directory of this orderer: blocks in `ledgers/<channel>/`, log cursors in `etcd/`. */
  readonly dataDir: string;
  readonly etcd: EtcdConnection;
  /** Key prefix of the ordering service in etcd (default `/consortia`). */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Target bytes of one log put (default 256 KiB). */
  readonly maxPutBytes?: number;
  /** Per-client broadcast limits. */
  readonly limits?: BroadcastLimiterOptions;
  /** Compact the log every this many blocks (default 32). */
  readonly compactEvery?: number;
}

interface EtcdChannel {
  readonly name: string;
  /** Context of the committed chain; `head` also counts config blocks cut but not stored. */
  context: ChannelContext;
  head: ChannelContext;
  readonly ledger: Ledger;
  readonly log: EtcdChannelLog;
  cutter: LogCutter;
  readonly cursors: CursorStore;
  readonly writer: BatchWriter;
  readonly listeners: Set<() => void>;
  readonly configs: Map<Uint8Array, ChannelContext>;
  wake: (() => void) | undefined;
  dirty: boolean;
  timer: { block: number; handle: NodeJS.Timeout } | undefined;
  stopWatch: (() => Promise<void>) | undefined;
  running: Promise<void> | undefined;
  sinceCompact: number;
  progressAt: number;
}

/**
 * An orderer of the etcd-backed ordering service. It checks envelopes as the solo orderer does,
 * appends them in small batches to the channel's log in etcd (one put per batch; etcd's revision
 * is the global order), and reads the log back to cut blocks deterministically with the other
 * orderers, timeouts being cut markers in the same log. It signs each header, publishes the
 * signature in etcd, and stores and delivers a block once ordering orgs' signatures on the same
 * header reach the channel's `ordering.signaturesRequired`. A restarted orderer resumes from
 * its block store and the log.
 *
 * @example
 * const orderer = await EtcdOrderer.create({ mspId, name, certDer, signer, dataDir, etcd: { hosts } });
 * await orderer.joinChannel(genesis);
 * await orderer.broadcast(envelope);
 */
export class EtcdOrderer {
  readonly mspId: string;
  readonly name: string;
  readonly identityBytes: Uint8Array;
  readonly #opts: EtcdOrdererOptions;
  readonly #client: Etcd3;
  readonly #logger: Logger;
  readonly #limiter: BroadcastLimiter;
  readonly #channels = new Map<string, EtcdChannel>();
  #stopped = false;

  constructor(opts: Readonly<EtcdOrdererOptions>) {
    this.#opts = opts;
    this.mspId = opts.mspId;
    this.name = opts.name;
    this.identityBytes = encodeIdentity(opts.mspId, opts.certDer);
    this.#logger = (opts.logger ?? silentLogger).child({ orderer: this.id });
    this.#limiter = new BroadcastLimiter(opts.limits ?? {});
    const tls = opts.etcd.tls;
    this.#client = new Etcd3({
      hosts: [...opts.etcd.hosts],
      dialTimeout: 3000,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5000 }),
      ...(tls
        ? {
            credentials: {
              rootCertificate: Buffer.from(tls.caPem),
              privateKey: Buffer.from(tls.keyPem),
              certChain: Buffer.from(tls.certPem),
            },
          }
        : {}),
    });
  }

  get id(): string {
    return `${this.mspId}.${this.name}`;
  }

  /** Starts ordering a channel from its genesis block, or resumes it from the block store. */
  async joinChannel(genesisBlock: Uint8Array): Promise<void> {
    const genesis = parseBlock(genesisBlock);
    if (this.#channels.has(genesis.channel)) return;
    const ledger = await Ledger.open({
      dir: join(this.#opts.dataDir, 'ledgers', genesis.channel),
      channel: genesis.channel,
    });
    try {
      if (ledger.height === 0)
        await ledger.commitBlock({ ...genesis, validationCodes: new Uint8Array(genesis.envelopes.length) });
      const context = await ChannelContext.fromConfig(decodeChannelConfig(ledger.getChannelConfig()!));
      if (context.config.ordering.type !== 'etcd') {
        throw new ConsortiaError(
          'INVALID_CONFIG',
          `channel ${genesis.channel} is ordered by '${context.config.ordering.type}', not etcd`,
        );
      }
      const cursors = new CursorStore(join(this.#opts.dataDir, 'etcd', `${genesis.channel}.cursor.json`));
      const log = new EtcdChannelLog({
        client: this.#client,
        prefix: this.#opts.prefix ?? '/consortia',
        channel: genesis.channel,
      });
      const ch: EtcdChannel = {
        name: genesis.channel,
        context,
        head: context,
        ledger,
        log,
        cutter: undefined as unknown as LogCutter,
        cursors,
        writer: new BatchWriter({
          append: (e) => log.append(e),
          ...(this.#opts.maxPutBytes ? { maxPutBytes: this.#opts.maxPutBytes } : {}),
        }),
        listeners: new Set(),
        configs: new Map(),
        wake: undefined,
        dirty: true,
        timer: undefined,
        stopWatch: undefined,
        running: undefined,
        sinceCompact: 0,
        progressAt: 0,
      };
      ch.cutter = this.#newCutter(ch);
      ch.stopWatch = await log.watch(() => this.#poke(ch)).catch((err: unknown) => {
        throw etcdUnavailable(err, 'watching the ordering log');
      });
      this.#channels.set(ch.name, ch);
      ch.running = this.#run(ch);
    } catch (err) {
      await ledger.close();
      throw err;
    }
  }

  /** A cutter positioned after the last block whose resume point was recorded. */
  #newCutter(ch: EtcdChannel): LogCutter {
    const height = ch.ledger.height;
    const saved = ch.cursors.resumeAfter(height - 1);
    const from = saved ?? { block: 0, position: { rev: 0n, index: 0 } as LogPosition };
    if (!saved && height > 1) {
      this.#logger.warn({ channel: ch.name, height }, 'no log cursor: rebuilding every block from the log');
    }
    const last = parseBlock(ch.ledger.getBlock(from.block)!);
    const config =
      from.block === height - 1
        ? decodeChannelConfig(ch.ledger.getChannelConfig()!)
        : configAt(ch.ledger, from.block);
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
      checkConfig: (e, ts) => this.#checkConfig(ch, e, ts),
    });
  }

  async #checkConfig(ch: EtcdChannel, envelope: Uint8Array, timestamp: number): Promise<BatchConfig | undefined> {
    const number = ch.cutter.nextBlock;
    if (number < ch.ledger.height) {
      // Rebuilding a stored block: the store already says whether the update was ordered.
      const stored = parseBlock(ch.ledger.getBlock(number)!);
      return stored.envelopes.length === 1 && Buffer.compare(stored.envelopes[0]!, envelope) === 0
        ? configAt(ch.ledger, number).batch
        : undefined;
    }
    try {
      const tx = parseEnvelope(envelope);
      if (tx.type !== 'config') return undefined;
      const next = await validateConfigTx(tx, ch.head, new Date(timestamp));
      ch.head = next;
      ch.configs.set(envelope, next);
      return next.config.batch;
    } catch (err) {
      this.#logger.warn({ channel: ch.name, err }, 'config update refused at cut time');
      return undefined;
    }
  }

  #poke(ch: EtcdChannel): void {
    ch.dirty = true;
    ch.wake?.();
  }

  async #sleep(ch: EtcdChannel, ms: number): Promise<void> {
    if (ch.dirty || this.#stopped) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      ch.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    ch.wake = undefined;
  }

  /** Reads the log and makes blocks until stopped. */
  async #run(ch: EtcdChannel): Promise<void> {
    while (!this.#stopped) {
      ch.dirty = false;
      try {
        const entries = await ch.log.read(ch.cutter.readFrom);
        for (const e of entries) {
          let entry: ReturnType<typeof decodeLogEntry> | undefined;
          try {
            entry = decodeLogEntry(e.value);
          } catch {
            entry = undefined;
          }
          for (const cut of await ch.cutter.apply(e.rev, entry)) await this.#makeBlock(ch, cut);
          if (this.#stopped) return;
        }
        this.#armTimer(ch);
        if (entries.length > 0) continue;
      } catch (err) {
        if (this.#stopped) return;
        if (isConsortiaError(err, 'ORDERER_DIVERGED')) {
          this.#logger.error({ channel: ch.name, err }, 'stopped ordering this channel');
          return;
        }
        this.#logger.warn({ channel: ch.name, err }, 'reading the ordering log failed; retrying');
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      await this.#sleep(ch, 1000);
    }
  }

  /** Writes a cut marker when the batch timeout passes with envelopes pending. */
  #armTimer(ch: EtcdChannel): void {
    const block = ch.cutter.nextBlock;
    if (ch.cutter.pendingCount === 0 || (ch.timer && ch.timer.block !== block)) {
      if (ch.timer) clearTimeout(ch.timer.handle);
      ch.timer = undefined;
    }
    if (ch.cutter.pendingCount === 0 || ch.timer) return;
    const handle = setTimeout(() => {
      if (ch.cutter.nextBlock !== block || ch.cutter.pendingCount === 0 || this.#stopped) return;
      ch.log.append(encodeLogEntry({ kind: 'cut', ts: Date.now(), block })).catch((err: unknown) => {
        this.#logger.warn({ channel: ch.name, err }, 'could not write a cut marker');
        if (ch.timer?.block === block) ch.timer = undefined;
        this.#poke(ch);
      });
    }, markerDelay(ch.head, this.mspId, block));
    ch.timer = { block, handle };
  }

  async #makeBlock(ch: EtcdChannel, cut: LogCut): Promise<void> {
    const { ledger } = ch;
    if (cut.number < ledger.height) {
      const stored = parseBlock(ledger.getBlock(cut.number)!);
      const header = newBlockHeader({
        channel: ch.name,
        number: cut.number,
        previousHash: stored.previousHash,
        envelopes: cut.envelopes,
        timestamp: cut.timestamp,
      });
      if (Buffer.compare(sha256(header), stored.hash) !== 0) {
        throw new ConsortiaError(
          'ORDERER_DIVERGED',
          `block ${cut.number} rebuilt from the ordering log differs from the stored one; the log was altered`,
          { channel: ch.name, block: cut.number },
        );
      }
      return;
    }
    const header = newBlockHeader({
      channel: ch.name,
      number: cut.number,
      previousHash: ledger.lastBlockHash ?? new Uint8Array(),
      envelopes: cut.envelopes,
      timestamp: cut.timestamp,
    });
    const hash = sha256(header);
    const signature = await this.#opts.signer(blockSigningBytes(header, this.identityBytes));
    const own = { signer: this.identityBytes, signature, mspId: this.mspId };
    const published = ch.log.putSignature(cut.number, this.id, {
      hash: toHex(hash),
      signer: toBase64(this.identityBytes),
      signature: toBase64(signature),
    });
    const signatures = await this.#collect(ch, cut, header, hash, own);
    await published;
    const blockBytes = encodeBlock(header, cut.envelopes, signatures);
    const codes = new Uint8Array(cut.envelopes.length).fill(
      cut.isConfig ? ValidationCode.VALID : ValidationCode.NOT_VALIDATED,
    );
    await ledger.commitBlock({ ...parseBlock(blockBytes), validationCodes: codes });
    if (cut.isConfig) {
      const next = ch.configs.get(cut.envelopes[0]!);
      if (next) ch.context = next;
      ch.configs.delete(cut.envelopes[0]!);
    }
    ch.cursors.record(cut.number, cut.resume);
    for (const l of ch.listeners) l();
    // Progress (for compaction) is published at most every half second, to spare etcd writes.
    if (Date.now() - ch.progressAt >= 500) {
      ch.progressAt = Date.now();
      ch.log
        .putProgress({ orderer: this.id, mspId: this.mspId, height: ledger.height, rev: cut.resume.rev.toString() })
        .catch(() => undefined);
    }
    if (++ch.sinceCompact >= (this.#opts.compactEvery ?? 32)) {
      ch.sinceCompact = 0;
      void this.#compact(ch);
    }
  }

  /** Waits until ordering orgs' signatures on this header reach the channel's quorum. */
  async #collect(
    ch: EtcdChannel,
    cut: LogCut,
    header: Uint8Array,
    hash: Uint8Array,
    own: { signer: Uint8Array; signature: Uint8Array; mspId: string },
  ): Promise<{ signer: Uint8Array; signature: Uint8Array }[]> {
    const required = ch.context.config.ordering.signaturesRequired;
    let warned = false;
    while (!this.#stopped) {
      ch.dirty = false;
      const tally = tallySignatures(
        await ch.log.signatures(cut.number),
        header,
        hash,
        ch.context,
        new Date(cut.timestamp),
      );
      if (tally.conflicting.length > 0 && !warned) {
        warned = true;
        this.#logger.error(
          { channel: ch.name, block: cut.number, orgs: tally.conflicting },
          'ordering orgs signed another header for this block',
        );
      }
      const others = tally.matching.filter((s) => s.mspId !== this.mspId);
      if (others.length + 1 >= required) return [own, ...others];
      await this.#sleep(ch, 500);
    }
    throw new ConsortiaError('ORDERER_STOPPED', 'the orderer stopped while collecting block signatures');
  }

  /** Deletes log entries and signatures every ordering org has stored blocks past. */
  async #compact(ch: EtcdChannel): Promise<void> {
    try {
      const progress = await ch.log.progress();
      const orgs = ch.context.ordererOrgs;
      if (!orgs.every((o) => progress.some((p) => p.mspId === o))) return;
      const rev = progress.reduce((m, p) => (BigInt(p.rev) < m ? BigInt(p.rev) : m), BigInt(progress[0]!.rev));
      const height = Math.min(...progress.map((p) => p.height));
      const deleted = await ch.log.compact(rev, height - 2);
      this.#logger.debug({ channel: ch.name, rev: rev.toString(), deleted }, 'ordering log compacted');
    } catch (err) {
      this.#logger.warn({ channel: ch.name, err }, 'compacting the ordering log failed');
    }
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  #channel(name: string): EtcdChannel {
    const ch = this.#channels.get(name);
    if (!ch)
      throw new ConsortiaError('UNKNOWN_CHANNEL', `the orderer does not serve channel ${name}`, {
        channel: name,
      });
    return ch;
  }

  height(channel: string): number {
    return this.#channel(channel).ledger.height;
  }

  getBlock(channel: string, n: number): Uint8Array | undefined {
    return this.#channel(channel).ledger.getBlock(n);
  }

  /** Calls `wake` after each block this orderer stores; returns the function that stops it. */
  onNewBlock(channel: string, wake: () => void): () => void {
    const ch = this.#channel(channel);
    ch.listeners.add(wake);
    return () => ch.listeners.delete(wake);
  }

  /** The channel configuration of the stored chain. */
  channelConfig(channel: string): ChannelConfig {
    return this.#channel(channel).context.config;
  }

  /** Orgs that may read the channel's blocks: its members and its ordering orgs. */
  readers(channel: string): readonly string[] {
    const { context } = this.#channel(channel);
    return [...context.appOrgs, ...context.ordererOrgs];
  }

  /**
   * Accepts an envelope for ordering: the solo orderer's checks, this client's rate limit, then
   * a put to the log. Resolves once the envelope is in the consensus log (not yet in a block).
   */
  async broadcast(envelope: Uint8Array, opts: Readonly<{ deadline?: number }> = {}): Promise<void> {
    if (this.#stopped)
      throw new ConsortiaError('ORDERER_STOPPED', 'the orderer is shutting down; retry on another orderer');
    const { tx, creator } = await checkEnvelope(envelope, (c) => this.#channels.get(c)?.head);
    const ch = this.#channel(tx.channel);
    const release = this.#limiter.acquire(`${creator.mspId}/${creator.id}`);
    try {
      await ch.writer.submit(envelope, opts.deadline);
    } catch (err) {
      throw isConsortiaError(err) ? err : etcdUnavailable(err, 'appending to the ordering log');
    } finally {
      release();
    }
  }

  /** Stops: pending broadcasts are written, reading stops, stores and the etcd client close. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    for (const ch of this.#channels.values()) await ch.writer.flush().catch(() => undefined);
    this.#stopped = true;
    for (const ch of this.#channels.values()) {
      if (ch.timer) clearTimeout(ch.timer.handle);
      ch.wake?.();
      await ch.stopWatch?.().catch(() => undefined);
      await ch.running?.catch(() => undefined);
      ch.listeners.clear();
      await ch.ledger.close();
    }
    this.#channels.clear();
    this.#client.close();
  }
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
