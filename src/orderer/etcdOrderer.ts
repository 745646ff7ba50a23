import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { ConsortiaError, isConsortiaError, type Logger, silentLogger } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import { type ChannelConfig, encodeIdentity, parseBlock } from '../protocol/index.js';
import { BroadcastLimiter, type BroadcastLimiterOptions } from './broadcastLimiter.js';
import { checkEnvelope } from './checkEnvelope.js';
import { ChannelOrderer } from './etcd/channelOrderer.js';
import { CursorStore } from './etcd/cursorStore.js';
import { EtcdOrdererErrorCodes } from './etcd/errors.js';
import { EtcdChannelLog, etcdUnavailable } from './etcd/etcdChannelLog.js';
import { openOrdererLedger } from './ordererLedger.js';

/** How an orderer reaches the etcd cluster. */
export interface EtcdConnection {
  /** Client URLs of the members, e.g. `https://127.0.0.1:2379`; the first is tried first. */
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

/**
 * An orderer of the etcd-backed ordering service. It checks envelopes as the solo orderer does,
 * appends them in small batches to the channel's log in etcd (one put per batch; etcd's revision
 * is the global order), and reads the log back to cut blocks deterministically with the other
 * orderers, timeouts being cut markers in the same log. It signs each header, publishes the
 * signature in etcd, and stores and delivers a block once ordering orgs' signatures on the same
 * header reach the channel's `ordering.signaturesRequired`. A restarted orderer resumes from
 * its block store and the log. See docs/decisions/ordering.md.
 *
 * @example
 * const orderer = new EtcdOrderer({ mspId, name, certDer, signer, dataDir, etcd: { hosts } });
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
  readonly #channels = new Map<string, ChannelOrderer>();
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
    const { ledger, context } = await openOrdererLedger(this.#opts.dataDir, genesis);
    try {
      if (context.config.ordering.type !== 'etcd') {
        throw new ConsortiaError(
          EtcdOrdererErrorCodes.INVALID_CONFIG,
          `channel ${genesis.channel} is ordered by '${context.config.ordering.type}', not etcd; run a solo orderer for it`,
        );
      }
      const channel = await ChannelOrderer.open({
        ledger,
        context,
        log: new EtcdChannelLog({
          client: this.#client,
          prefix: this.#opts.prefix ?? '/consortia',
          channel: genesis.channel,
        }),
        cursors: new CursorStore({
          path: join(this.#opts.dataDir, 'etcd', `${genesis.channel}.cursor.json`),
        }),
        ordererId: this.id,
        mspId: this.mspId,
        identityBytes: this.identityBytes,
        signer: this.#opts.signer,
        logger: this.#logger,
        ...(this.#opts.maxPutBytes ? { maxPutBytes: this.#opts.maxPutBytes } : {}),
        ...(this.#opts.compactEvery ? { compactEvery: this.#opts.compactEvery } : {}),
      }).catch((err: unknown) => {
        throw isConsortiaError(err) ? err : etcdUnavailable(err, 'opening the ordering log');
      });
      this.#channels.set(genesis.channel, channel);
    } catch (err) {
      await ledger.close();
      throw err;
    }
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  #channel(name: string): ChannelOrderer {
    const ch = this.#channels.get(name);
    if (!ch)
      throw new ConsortiaError('UNKNOWN_CHANNEL', `the orderer does not serve channel ${name}`, {
        channel: name,
      });
    return ch;
  }

  height(channel: string): number {
    return this.#channel(channel).height;
  }

  getBlock(channel: string, n: number): Uint8Array | undefined {
    return this.#channel(channel).getBlock(n);
  }

  /** Calls `wake` after each block this orderer stores; returns the function that stops it. */
  onNewBlock(channel: string, wake: () => void): () => void {
    return this.#channel(channel).onNewBlock(wake);
  }

  /** The channel configuration of the stored chain. */
  channelConfig(channel: string): ChannelConfig {
    return this.#channel(channel).config;
  }

  /** Orgs that may read the channel's blocks: its members and its ordering orgs. */
  readers(channel: string): readonly string[] {
    return this.#channel(channel).readers();
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
      await ch.submit(envelope, opts.deadline);
    } catch (err) {
      throw isConsortiaError(err) ? err : etcdUnavailable(err, 'appending to the ordering log');
    } finally {
      release();
    }
  }

  /** Stops: pending broadcasts are written, reading stops, stores and the etcd client close. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const ch of this.#channels.values()) await ch.close();
    this.#channels.clear();
    this.#client.close();
  }
}
