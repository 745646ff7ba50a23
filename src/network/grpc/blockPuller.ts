import { type Logger, silentLogger } from '../../common/index.js';
import type { NodeStream } from './nodeClient.js';

/** What the puller needs of an orderer: a resumable block stream and its height. */
export interface BlockSourceNode {
  readonly id: string;
  deliver(channel: string, from: number): NodeStream;
  info(timeoutMs?: number): Promise<{ channels: readonly { name: string; height: number }[] }>;
}

/** What the puller feeds: a peer's height and block delivery (validates and commits). */
export interface BlockSink {
  height(channel: string): number;
  deliverBlock(channel: string, block: Uint8Array): Promise<void>;
}

export interface BlockPullerOptions {
  readonly channel: string;
  readonly sink: BlockSink;
  readonly orderers: readonly BlockSourceNode[];
  readonly logger?: Logger;
  /** Pause before trying the next orderer after a failure (default 200 ms). */
  readonly retryMs?: number;
  /**
   * When the stream has been silent this long, ask the other orderers for their heights and move
   * to one that is ahead (default 3 s): a stalled or stopped orderer does not hold the peer back.
   */
  readonly staleMs?: number;
}

/**
 * Keeps a peer's channel up to date from the ordering service: it streams blocks from one
 * orderer starting at the peer's height, commits them one by one, and on an error, a refused
 * block or a stalled stream moves to the next orderer, resuming from the new height. A peer that
 * was down catches up the same way when it starts.
 *
 * @example
 * const puller = new BlockPuller({ channel: 'telecom', sink: peer, orderers });
 * puller.start();
 */
export class BlockPuller {
  readonly #opts: BlockPullerOptions;
  readonly #logger: Logger;
  #current = 0;
  #stream: NodeStream | undefined;
  #stopped = false;
  #running: Promise<void> | undefined;
  #lastProgress = Date.now();
  #staleTimer: NodeJS.Timeout | undefined;
  /** Orderer index that reported itself ahead, to switch to. */
  #switchTo: number | undefined;

  constructor(opts: Readonly<BlockPullerOptions>) {
    this.#opts = opts;
    this.#logger = (opts.logger ?? silentLogger).child({ channel: opts.channel });
  }

  /** The orderer currently streamed from. */
  get source(): string {
    return this.#opts.orderers[this.#current]?.id ?? '';
  }

  start(): void {
    if (this.#running) return;
    this.#running = this.#loop();
    const staleMs = this.#opts.staleMs ?? 3000;
    this.#staleTimer = setInterval(() => void this.#checkStale(staleMs), Math.max(250, staleMs / 2));
  }

  async #loop(): Promise<void> {
    const { channel, sink, orderers } = this.#opts;
    while (!this.#stopped) {
      const orderer = orderers[this.#current]!;
      const from = sink.height(channel);
      const stream = orderer.deliver(channel, from);
      this.#stream = stream;
      this.#lastProgress = Date.now();
      try {
        for await (const block of stream.messages) {
          await sink.deliverBlock(channel, block);
          this.#lastProgress = Date.now();
        }
        if (!this.#stopped && this.#switchTo === undefined)
          this.#logger.warn({ orderer: orderer.id }, 'block stream ended');
      } catch (err) {
        if (!this.#stopped) this.#logger.warn({ orderer: orderer.id, err }, 'block stream failed');
      } finally {
        stream.cancel();
        this.#stream = undefined;
      }
      if (this.#stopped) break;
      const next = this.#switchTo ?? (this.#current + 1) % orderers.length;
      const switching = this.#switchTo !== undefined;
      this.#switchTo = undefined;
      this.#current = next;
      if (!switching) await new Promise((r) => setTimeout(r, this.#opts.retryMs ?? 200));
    }
  }

  async #checkStale(staleMs: number): Promise<void> {
    if (this.#stopped || !this.#stream || Date.now() - this.#lastProgress < staleMs) return;
    const { channel, sink, orderers } = this.#opts;
    const height = sink.height(channel);
    const heights = await Promise.all(
      orderers.map((o) =>
        o
          .info(1000)
          .then((i) => i.channels.find((c) => c.name === channel)?.height ?? 0)
          .catch(() => 0),
      ),
    );
    const best = heights.reduce((b, h, i) => (h > heights[b]! ? i : b), 0);
    if (heights[best]! > height && best !== this.#current && this.#stream && !this.#stopped) {
      this.#logger.warn(
        { from: orderers[this.#current]?.id, to: orderers[best]?.id, height, ahead: heights[best] },
        'orderer stream stalled; switching',
      );
      this.#switchTo = best;
      this.#stream.cancel();
    }
    this.#lastProgress = Date.now();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#staleTimer) clearInterval(this.#staleTimer);
    this.#stream?.cancel();
    await this.#running;
  }
}
