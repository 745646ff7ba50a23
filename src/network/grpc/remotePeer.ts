import { z } from 'zod';
import { ConsortiaError, type Logger, silentLogger } from '../../common/index.js';
import { type BlockEvent, EventHub, storedBlockEvent, type TxStatus } from '../../peer/index.js';
import {
  type ChannelConfig,
  parseBlock,
  parseEnvelope,
  ValidationCode,
  validateChannelConfig,
  validationCodeName,
} from '../../protocol/index.js';
import type { PeerHandle } from '../types.js';
import { NodeClient, type NodeClientOptions, type NodeStream } from './nodeClient.js';
import type { PeerInfo } from './peerService.js';
import { decodeJson, encodeJson, PEER_SERVICE } from './services.js';

const PeerInfoSchema = z.object({
  id: z.string(),
  mspId: z.string(),
  channels: z.array(z.object({ name: z.string(), height: z.number().int().min(0), config: z.unknown() })),
});

export interface RemotePeerOptions extends NodeClientOptions {
  readonly mspId: string;
  readonly logger?: Logger;
  /** Deadline of endorse and evaluate calls (default 15 s). */
  readonly callTimeoutMs?: number;
  /** Longest wait between reconnection attempts (default 2 s). */
  readonly maxRetryMs?: number;
}

interface Mirror {
  config: ChannelConfig;
  readonly blocks: Uint8Array[];
  readonly txs: Map<string, TxStatus>;
  stream: NodeStream | undefined;
}

/**
 * A peer reached over gRPC with mutual TLS, as a PeerHandle for gateways. It mirrors the
 * peer's committed blocks of each channel in memory (from its Blocks stream), so heights,
 * blocks, commit status and block events answer at once. While the peer is unreachable it
 * reports no channels, so the gateway picks other peers; it reconnects by itself and resumes
 * the streams from the mirrored height.
 *
 * @example
 * const peer = await RemotePeer.connect({ id: 'TelcoA.peer0', mspId: 'TelcoA', address, tls });
 * new GatewayService({ peers: [peer], orderers });
 */
export class RemotePeer implements PeerHandle {
  readonly id: string;
  readonly mspId: string;
  readonly #client: NodeClient;
  readonly #logger: Logger;
  readonly #callTimeoutMs: number;
  readonly #maxRetryMs: number;
  readonly #events = new EventHub();
  readonly #mirrors = new Map<string, Mirror>();
  #connected = false;
  #closed = false;
  #retryMs = 100;
  #retryTimer: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | undefined;

  private constructor(opts: Readonly<RemotePeerOptions>) {
    this.id = opts.id;
    this.mspId = opts.mspId;
    this.#client = new NodeClient(opts);
    this.#logger = (opts.logger ?? silentLogger).child({ peer: opts.id });
    this.#callTimeoutMs = opts.callTimeoutMs ?? 15_000;
    this.#maxRetryMs = opts.maxRetryMs ?? 2000;
  }

  /**
   * Creates the handle and tries to connect once; an unreachable peer is retried in the
   * background (the handle reports no channels meanwhile).
   */
  static async connect(opts: Readonly<RemotePeerOptions>): Promise<RemotePeer> {
    const peer = new RemotePeer(opts);
    await peer.#connect();
    return peer;
  }

  /** Whether the peer answered and its block streams are open. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Resolves once connected (or rejects with UNAVAILABLE after `timeoutMs`). */
  async waitConnected(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.#connected) {
      if (Date.now() > until)
        throw new ConsortiaError('UNAVAILABLE', `peer ${this.id} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#doConnect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #doConnect(): Promise<void> {
    if (this.#closed) return;
    try {
      const info = await this.#info();
      for (const ch of info.channels) {
        const config = validateChannelConfig(ch.config);
        const m = this.#mirrors.get(ch.name);
        if (m) m.config = config;
        else this.#mirrors.set(ch.name, { config, blocks: [], txs: new Map(), stream: undefined });
      }
      for (const [name, m] of this.#mirrors) {
        if (!m.stream) this.#follow(name, m);
      }
      this.#connected = true;
      this.#retryMs = 100;
    } catch (err) {
      this.#disconnected(err);
    }
  }

  async #info(): Promise<PeerInfo> {
    const reply = await this.#client.unary(PEER_SERVICE.info, encodeJson({}), 5000);
    return decodeJson(reply, PeerInfoSchema, 'peer info') as PeerInfo;
  }

  #disconnected(err: unknown): void {
    if (this.#closed) return;
    if (this.#connected) this.#logger.warn({ err }, 'peer link lost');
    this.#connected = false;
    for (const m of this.#mirrors.values()) {
      m.stream?.cancel();
      m.stream = undefined;
    }
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, this.#maxRetryMs);
  }

  #follow(channel: string, m: Mirror): void {
    const stream = this.#client.stream(PEER_SERVICE.blocks, encodeJson({ channel, from: m.blocks.length }));
    m.stream = stream;
    void (async () => {
      try {
        for await (const bytes of stream.messages) this.#add(channel, m, bytes.slice());
        throw new ConsortiaError('UNAVAILABLE', `peer ${this.id} ended the block stream of ${channel}`);
      } catch (err) {
        if (m.stream === stream) {
          m.stream = undefined;
          this.#disconnected(err);
        }
      }
    })();
  }

  #add(channel: string, m: Mirror, bytes: Uint8Array): void {
    const event = storedBlockEvent(bytes);
    if (event.number < m.blocks.length) return;
    if (event.number > m.blocks.length)
      throw new ConsortiaError('BLOCK_REJECTED', `peer ${this.id} sent block ${event.number} out of order`);
    m.blocks.push(bytes);
    for (const tx of event.txs) {
      if (tx.txId && !m.txs.has(tx.txId)) {
        m.txs.set(tx.txId, {
          blockNumber: event.number,
          txIndex: tx.index,
          validationCode: tx.validationCode,
          validationCodeName: validationCodeName(tx.validationCode),
        });
      }
    }
    // A config block may change policies and orgs: refresh the config from the peer.
    if (
      event.txs.length === 1 &&
      event.txs[0]!.validationCode === ValidationCode.VALID &&
      isConfigBlock(bytes)
    ) {
      this.#info()
        .then((info) => {
          const c = info.channels.find((x) => x.name === channel);
          if (c) m.config = validateChannelConfig(c.config);
        })
        .catch(() => undefined);
    }
    this.#events.publish(event);
  }

  #mirror(channel: string): Mirror {
    const m = this.#mirrors.get(channel);
    if (!m)
      throw new ConsortiaError('UNKNOWN_CHANNEL', `peer ${this.id} has not joined channel ${channel}`, {
        channel,
      });
    return m;
  }

  async endorse(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#client.unary(PEER_SERVICE.endorse, signedProposal, this.#callTimeoutMs);
  }

  async evaluate(signedProposal: Uint8Array): Promise<Uint8Array> {
    return this.#client.unary(PEER_SERVICE.evaluate, signedProposal, this.#callTimeoutMs);
  }

  channels(): string[] {
    return this.#connected ? [...this.#mirrors.keys()] : [];
  }

  height(channel: string): number {
    return this.#mirror(channel).blocks.length;
  }

  getBlock(channel: string, n: number): Uint8Array | undefined {
    return this.#mirror(channel).blocks[n];
  }

  txStatus(channel: string, txId: string): TxStatus | undefined {
    return this.#mirror(channel).txs.get(txId);
  }

  waitForTx(
    channel: string,
    txId: string,
    signal?: AbortSignal,
  ): Promise<{ blockNumber: number; validationCode: number }> {
    return this.#events.waitForTx(channel, txId, signal);
  }

  onBlock(listener: (e: BlockEvent) => void): () => void {
    return this.#events.onBlock(listener);
  }

  contractPolicy(channel: string, contract: string): string | undefined {
    return this.#mirror(channel).config.contracts.find((c) => c.name === contract)?.endorsementPolicy;
  }

  channelConfig(channel: string): ChannelConfig {
    return this.#mirror(channel).config;
  }

  channelOrgs(channel: string): readonly string[] {
    return this.#mirror(channel).config.orgs.map((o) => o.mspId);
  }

  close(): void {
    this.#closed = true;
    this.#connected = false;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    for (const m of this.#mirrors.values()) m.stream?.cancel();
    this.#client.close();
  }
}

function isConfigBlock(bytes: Uint8Array): boolean {
  try {
    const block = parseBlock(bytes);
    return block.number > 0 && parseEnvelope(block.envelopes[0]!).type === 'config';
  } catch {
    return false;
  }
}
