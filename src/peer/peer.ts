import { join } from 'node:path';
import { ConsortiaError, fromUtf8 } from '../common/index.js';
import { type Signer, sha256 } from '../crypto/index.js';
import { Ledger } from '../ledger/index.js';
import {
  decodeChannelConfig,
  encodeIdentity,
  type ParsedBlock,
  type ParsedTx,
  parseBlock,
  parseEnvelope,
  ValidationCode,
  validationCodeName,
} from '../protocol/index.js';
import { ChannelContext } from './channelContext.js';
import { Endorser } from './endorser.js';
import { type BlockEvent, EventHub } from './eventHub.js';
import { PrivateDataService, type ReconcileResult } from './privateData.js';
import type { PrivateDataTransport } from './privateDataTransport.js';
import { Reconciler } from './reconciler.js';
import type { ContractEventRecord, ContractExecutor } from './types.js';
import { type BlockSignaturePrefetch, prefetchBlockSignatures, validateBlock } from './validateBlock.js';

/** How many blocks past the height a peer starts checking signatures for ahead of validation. */
const PREFETCH_BLOCKS = 16;

export interface PeerOptions {
  readonly mspId: string;
  readonly name: string;
  readonly certDer: Uint8Array;
  readonly signer: Signer;
  /** Directory of this peer; ledgers live in `<dataDir>/ledgers/<channel>/`. */
  readonly dataDir: string;
  readonly executor: ContractExecutor;
  /** How this peer sends and pulls private data (none: it keeps only what it endorses itself). */
  readonly privateDataTransport?: PrivateDataTransport;
  /** How often to retry pulling missed private data (ms). Default 2000; 0: only `reconcilePrivateData`. */
  readonly reconcileIntervalMs?: number;
}

interface PeerChannel {
  context: ChannelContext;
  readonly ledger: Ledger;
  /** Serialises commits: each block waits for the previous one. */
  queue: Promise<void>;
  /** Blocks delivered and not yet taken for commit, in delivery order. */
  readonly waiting: Delivery[];
}

/** A delivered block waiting for its turn, with the signature checks started for it ahead. */
interface Delivery {
  readonly block: ParsedBlock | undefined;
  early: BlockSignaturePrefetch | undefined;
}

/** Status of a committed transaction. */
export interface TxStatus {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly validationCode: number;
  readonly validationCodeName: string;
}

/**
 * A peer: it endorses proposals on its channels, and validates and commits the blocks the
 * orderers deliver. Transport-free: bytes in, bytes out, so in-process and gRPC wiring share it.
 */
export class Peer {
  readonly mspId: string;
  readonly name: string;
  readonly identityBytes: Uint8Array;
  readonly events = new EventHub();
  readonly #opts: PeerOptions;
  readonly #channels = new Map<string, PeerChannel>();
  readonly #endorser: Endorser;
  readonly #private: PrivateDataService;
  readonly #reconciler: Reconciler;

  constructor(opts: Readonly<PeerOptions>) {
    this.#opts = opts;
    this.mspId = opts.mspId;
    this.name = opts.name;
    this.identityBytes = encodeIdentity(opts.mspId, opts.certDer);
    this.#private = new PrivateDataService({
      self: { id: this.id, mspId: opts.mspId },
      transport: opts.privateDataTransport,
      channel: (name) => this.#channels.get(name),
    });
    this.#reconciler = new Reconciler({
      service: this.#private,
      channels: () => [...this.#channels.keys()],
      intervalMs: opts.reconcileIntervalMs ?? 2000,
    });
    this.#endorser = new Endorser({
      privateData: this.#private,
      identityBytes: this.identityBytes,
      identityByHash: {
        bytes: encodeIdentity(opts.mspId, opts.certDer, true),
        certHash: sha256(opts.certDer),
      },
      signer: opts.signer,
      executor: opts.executor,
      channel: (name) => this.#channels.get(name),
    });
  }

  get id(): string {
    return `${this.mspId}.${this.name}`;
  }

  /**
   * Joins a channel with its genesis block, or reopens a joined channel's ledger (recovering a
   * block whose state commit was interrupted). Joining twice is harmless.
   */
  async joinChannel(genesisBlock: Uint8Array): Promise<void> {
    const genesis = parseBlock(genesisBlock);
    if (genesis.number !== 0)
      throw new ConsortiaError('BLOCK_REJECTED', 'a channel is joined with its genesis block (number 0)');
    if (this.#channels.has(genesis.channel)) return;
    const ledger = await Ledger.open({
      dir: join(this.#opts.dataDir, 'ledgers', genesis.channel),
      channel: genesis.channel,
    });
    if (ledger.height === 0) {
      await ledger.commitBlock({ ...genesis, validationCodes: new Uint8Array(genesis.envelopes.length) });
    } else if (
      Buffer.compare(
        ledger.getBlock(0) ? parseBlock(ledger.getBlock(0)!).hash : new Uint8Array(),
        genesis.hash,
      ) !== 0
    ) {
      await ledger.close();
      throw new ConsortiaError(
        'LEDGER_CHANNEL_MISMATCH',
        `the ledger of channel ${genesis.channel} on this peer started from another genesis block`,
      );
    }
    const configBytes = ledger.getChannelConfig();
    if (!configBytes)
      throw new ConsortiaError(
        'LEDGER_CORRUPT',
        `channel ${genesis.channel} has no configuration in its ledger`,
      );
    const context = (await ChannelContext.fromConfig(decodeChannelConfig(configBytes))).useCertificates(
      (hash) => ledger.getCertificate(hash),
    );
    this.#channels.set(genesis.channel, { context, ledger, queue: Promise.resolve(), waiting: [] });
    this.#reconciler.wake();
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  #channel(name: string): PeerChannel {
    const ch = this.#channels.get(name);
    if (!ch)
      throw new ConsortiaError('UNKNOWN_CHANNEL', `peer ${this.id} has not joined channel ${name}`, {
        channel: name,
      });
    return ch;
  }

  context(channel: string): ChannelContext {
    return this.#channel(channel).context;
  }

  ledger(channel: string): Ledger {
    return this.#channel(channel).ledger;
  }

  height(channel: string): number {
    return this.#channel(channel).ledger.height;
  }

  endorse(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#endorser.endorse(signedProposal);
  }

  evaluate(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#endorser.evaluate(signedProposal);
  }

  txStatus(channel: string, txId: string): TxStatus | undefined {
    const loc = this.#channel(channel).ledger.getTxLocation(txId);
    return loc && { ...loc, validationCodeName: validationCodeName(loc.validationCode) };
  }

  /**
   * Validates and commits a block delivered by the ordering service. Blocks at or below the
   * current height are ignored (redelivery); a gap or a block that fails signature or chain
   * checks is refused with BLOCK_REJECTED and changes nothing.
   */
  deliverBlock(channel: string, blockBytes: Uint8Array): Promise<void> {
    const ch = this.#channel(channel);
    let block: ParsedBlock | undefined;
    try {
      block = parseBlock(blockBytes);
    } catch {
      // #commit reports a block that does not parse
    }
    const delivery: Delivery = { block, early: undefined };
    ch.waiting.push(delivery);
    this.#prefetchAhead(ch);
    const run = ch.queue.then(() => {
      ch.waiting.splice(ch.waiting.indexOf(delivery), 1);
      this.#prefetchAhead(ch);
      return this.#commit(ch, blockBytes, delivery.early);
    });
    ch.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Starts checking the signatures of the next PREFETCH_BLOCKS waiting blocks (in worker
   * threads), so that they overlap the commits before them; validation still runs in block order.
   */
  #prefetchAhead(ch: PeerChannel): void {
    let started = 0;
    for (const d of ch.waiting) {
      if (started >= PREFETCH_BLOCKS) return;
      if (!d.block || d.block.number < ch.ledger.height) continue;
      d.early ??= prefetchBlockSignatures(d.block, ch.context);
      started++;
    }
  }

  async #commit(ch: PeerChannel, blockBytes: Uint8Array, early?: BlockSignaturePrefetch): Promise<void> {
    const block: ParsedBlock = early?.block ?? parseBlock(blockBytes);
    const { ledger } = ch;
    if (block.channel !== ledger.channel) {
      throw new ConsortiaError(
        'BLOCK_REJECTED',
        `block ${block.number} is for channel ${block.channel}, not ${ledger.channel}`,
      );
    }
    if (block.number < ledger.height) return;
    if (block.number > ledger.height) {
      throw new ConsortiaError(
        'BLOCK_REJECTED',
        `block ${block.number} arrived before block ${ledger.height}`,
        { expected: ledger.height },
      );
    }
    if (Buffer.compare(block.previousHash, ledger.lastBlockHash ?? new Uint8Array()) !== 0) {
      throw new ConsortiaError(
        'BLOCK_REJECTED',
        `block ${block.number} does not chain to block ${block.number - 1}`,
        { block: block.number },
      );
    }
    ch.context.verifyBlockSignatures(block);
    const v = await validateBlock(block, ch.context, ledger, early);
    const pvt = this.#private.forBlock(ch.context, v.codes, v.txs);
    await ledger.commitBlock({ ...block, validationCodes: v.codes }, v.txs, pvt);
    this.#private.committed(ledger.channel, v.txs, ledger.height);
    if (pvt && pvt.missing.length > 0) this.#reconciler.wake();
    ch.context = v.context;
    this.events.publish(blockEvent(block, v.codes, v.txs));
  }

  /**
   * Keeps private data another peer (of org `fromMspId`, as the transport authenticated it) sent
   * for a transaction it endorsed; throws when this peer may keep none of it.
   */
  receivePrivateData(message: Uint8Array, fromMspId: string): void {
    this.#private.receive(message, fromMspId);
  }

  /** Answers another member peer's reconciliation pull with what its org may see. */
  servePrivateData(message: Uint8Array, fromMspId: string): Uint8Array {
    return this.#private.serve(message, fromMspId);
  }

  /** Pulls the private data this peer missed on `channel` from other member peers now. */
  reconcilePrivateData(channel: string): Promise<ReconcileResult> {
    this.#channel(channel);
    return this.#reconciler.run(channel);
  }

  async close(): Promise<void> {
    await this.#reconciler.close();
    for (const ch of this.#channels.values()) {
      await ch.queue;
      await ch.ledger.close();
    }
    this.#channels.clear();
  }
}

/** The event of a block as stored by a peer (with its validation codes). */
export function storedBlockEvent(blockBytes: Uint8Array): BlockEvent {
  const block = parseBlock(blockBytes);
  const txs = block.envelopes.map((e) => {
    try {
      return parseEnvelope(e);
    } catch {
      return undefined;
    }
  });
  return blockEvent(block, block.validationCodes, txs);
}

function blockEvent(
  block: ParsedBlock,
  codes: Uint8Array,
  txs: readonly (ParsedTx | undefined)[],
): BlockEvent {
  return {
    channel: block.channel,
    number: block.number,
    hash: block.hash,
    txs: txs.map((tx, index) => {
      const code = codes[index] ?? ValidationCode.NOT_VALIDATED;
      const events: ContractEventRecord[] = [];
      if (tx?.type === 'endorser' && code === ValidationCode.VALID) {
        for (const e of tx.responsePayload.events) {
          let payload: unknown = null;
          try {
            payload = JSON.parse(fromUtf8(e.payload));
          } catch {
            payload = null;
          }
          events.push({ contract: tx.proposal.contract, name: e.name, payload });
        }
      }
      return { txId: tx?.txId ?? '', index, validationCode: code, events };
    }),
  };
}
