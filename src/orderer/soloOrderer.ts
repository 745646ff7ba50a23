import { ConsortiaError, isConsortiaError } from '../common/index.js';
import type { Signer } from '../crypto/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  type ChannelContext,
  sharedSignatureVerifier,
  toPolicySigner,
  validateConfigTx,
} from '../peer/index.js';
import {
  blockSigningBytes,
  encodeBlock,
  encodeIdentity,
  newBlockHeader,
  parseBlock,
  parseEnvelope,
  ValidationCode,
} from '../protocol/index.js';
import { BlockCutter } from './blockCutter.js';
import { openOrdererLedger } from './ordererLedger.js';

export interface SoloOrdererOptions {
  readonly mspId: string;
  readonly name: string;
  readonly certDer: Uint8Array;
  readonly signer: Signer;
  /** Directory of this orderer; its block copies live in `<dataDir>/ledgers/<channel>/`. */
  readonly dataDir: string;
}

interface OrdererChannel {
  context: ChannelContext;
  readonly ledger: Ledger;
  readonly cutter: BlockCutter;
  timer: NodeJS.Timeout | undefined;
  /** Serialises block creation. */
  queue: Promise<void>;
  readonly listeners: Set<(block: Uint8Array) => void>;
  lastTimestamp: number;
}

/**
 * The solo orderer: one node that checks envelopes (size, structure, creator, signature,
 * channel Writers policy), orders them, cuts blocks by count, bytes and timeout, signs each
 * header, keeps its own copy of the chain and delivers blocks to subscribers.
 */
export class SoloOrderer {
  readonly mspId: string;
  readonly name: string;
  readonly identityBytes: Uint8Array;
  readonly #opts: SoloOrdererOptions;
  readonly #channels = new Map<string, OrdererChannel>();
  #stopped = false;

  constructor(opts: Readonly<SoloOrdererOptions>) {
    this.#opts = opts;
    this.mspId = opts.mspId;
    this.name = opts.name;
    this.identityBytes = encodeIdentity(opts.mspId, opts.certDer);
  }

  /** Starts ordering a channel from its genesis block, or resumes it from this node's copy. */
  async joinChannel(genesisBlock: Uint8Array): Promise<void> {
    const genesis = parseBlock(genesisBlock);
    if (this.#channels.has(genesis.channel)) return;
    const { ledger, context } = await openOrdererLedger(this.#opts.dataDir, genesis);
    const last = parseBlock(ledger.getBlock(ledger.height - 1)!);
    this.#channels.set(genesis.channel, {
      context,
      ledger,
      cutter: new BlockCutter(context.config.batch),
      timer: undefined,
      queue: Promise.resolve(),
      listeners: new Set(),
      lastTimestamp: last.timestamp,
    });
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  #channel(name: string): OrdererChannel {
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

  /**
   * Accepts an envelope for ordering. Resolves once it is queued for a block (not committed);
   * throws a ConsortiaError when the envelope is refused, and nothing is ordered then.
   */
  async broadcast(envelope: Uint8Array): Promise<void> {
    if (this.#stopped)
      throw new ConsortiaError('ORDERER_STOPPED', 'the orderer is shutting down; retry on another orderer');
    const tx = parseEnvelope(envelope);
    const ch = this.#channel(tx.channel);
    const max = ch.context.config.batch.maxBytes;
    if (envelope.byteLength > max) {
      throw new ConsortiaError(
        'ENVELOPE_TOO_LARGE',
        `the envelope has ${envelope.byteLength} bytes; the channel allows ${max}`,
        {
          size: envelope.byteLength,
          max,
        },
      );
    }
    const at = new Date();
    let creator: ReturnType<ChannelContext['resolveIdentity']>;
    try {
      creator = ch.context.resolveIdentity(tx.creatorBytes, at);
    } catch (err) {
      throw new ConsortiaError(
        'BAD_CREATOR',
        `the envelope creator is not a valid member: ${(err as Error).message}`,
        { reason: isConsortiaError(err) ? err.code : 'BAD_CREATOR' },
      );
    }
    const signed = await sharedSignatureVerifier().verify({
      key: creator.publicKey,
      data: tx.payloadBytes,
      signature: tx.signature,
    });
    if (!signed) {
      throw new ConsortiaError(
        'BAD_SIGNATURE',
        'the envelope signature does not verify with the creator certificate',
      );
    }
    if (!ch.context.satisfies(ch.context.policy('Writers'), [toPolicySigner(creator)])) {
      throw new ConsortiaError('FORBIDDEN', `${creator.mspId} may not write to channel ${tx.channel}`);
    }
    // The signature was checked off this thread: the orderer may have begun stopping meanwhile.
    if (this.#stopped)
      throw new ConsortiaError('ORDERER_STOPPED', 'the orderer is shutting down; retry on another orderer');
    if (tx.type === 'config') {
      // Config updates are checked now and ordered alone, after what is pending.
      await validateConfigTx(tx, ch.context, at);
      this.#enqueue(ch, ch.cutter.cut());
      this.#enqueue(ch, [envelope], true);
      return;
    }
    for (const batch of ch.cutter.ordered(envelope)) this.#enqueue(ch, batch);
    if (ch.cutter.pendingCount > 0 && !ch.timer) {
      ch.timer = setTimeout(() => {
        ch.timer = undefined;
        this.#enqueue(ch, ch.cutter.cut());
      }, ch.context.config.batch.timeoutMs);
    } else if (ch.cutter.pendingCount === 0 && ch.timer) {
      clearTimeout(ch.timer);
      ch.timer = undefined;
    }
  }

  #enqueue(ch: OrdererChannel, batch: Uint8Array[], isConfig = false): void {
    if (batch.length === 0) return;
    ch.queue = ch.queue.then(() => this.#cut(ch, batch, isConfig)).catch(() => undefined);
  }

  async #cut(ch: OrdererChannel, envelopes: Uint8Array[], isConfig: boolean): Promise<void> {
    let codes = new Uint8Array(envelopes.length).fill(ValidationCode.NOT_VALIDATED);
    let nextContext: ChannelContext | undefined;
    const timestamp = Math.max(Date.now(), ch.lastTimestamp);
    if (isConfig) {
      // Re-check against the context at cut time: an earlier config block may have changed it.
      const tx = parseEnvelope(envelopes[0]!);
      try {
        if (tx.type !== 'config') throw new Error('not a config transaction');
        nextContext = await validateConfigTx(tx, ch.context, new Date(timestamp));
        codes = new Uint8Array([ValidationCode.VALID]);
      } catch {
        return;
      }
    }
    const number = ch.ledger.height;
    const headerBytes = newBlockHeader({
      channel: ch.ledger.channel,
      number,
      previousHash: ch.ledger.lastBlockHash ?? new Uint8Array(),
      envelopes,
      timestamp,
    });
    const signature = await this.#opts.signer(blockSigningBytes(headerBytes, this.identityBytes));
    const signed = [{ signer: this.identityBytes, signature }];
    const blockBytes = encodeBlock(headerBytes, envelopes, signed);
    await ch.ledger.commitBlock({ ...parseBlock(blockBytes), validationCodes: codes });
    ch.lastTimestamp = timestamp;
    if (nextContext) {
      ch.context = nextContext;
      ch.cutter.setConfig(nextContext.config.batch);
    }
    for (const l of ch.listeners) l(blockBytes);
  }

  /**
   * Subscribes to a channel's blocks from `from` on: first the stored ones, then each new one.
   * Returns a function that stops the subscription. Blocks are delivered without peer
   * validation codes; `listener` must not throw.
   */
  subscribe(channel: string, from: number, listener: (block: Uint8Array) => void): () => void {
    const ch = this.#channel(channel);
    for (let n = from; n < ch.ledger.height; n++) listener(ch.ledger.getBlock(n)!);
    ch.listeners.add(listener);
    return () => ch.listeners.delete(listener);
  }

  /** Waits until every envelope accepted so far is in a block. */
  async flush(): Promise<void> {
    for (const ch of this.#channels.values()) {
      if (ch.timer) {
        clearTimeout(ch.timer);
        ch.timer = undefined;
      }
      this.#enqueue(ch, ch.cutter.cut());
      await ch.queue;
    }
  }

  async close(): Promise<void> {
    this.#stopped = true;
    await this.flush();
    for (const ch of this.#channels.values()) {
      ch.listeners.clear();
      await ch.ledger.close();
    }
    this.#channels.clear();
  }
}
