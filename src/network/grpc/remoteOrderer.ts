import { z } from 'zod';
import { ConsortiaError, isConsortiaError } from '../../common/index.js';
import type { OrdererHandle } from '../types.js';
import { NodeClient, type NodeClientOptions, type NodeStream } from './nodeClient.js';
import type { OrdererInfo } from './ordererService.js';
import { decodeJson, encodeJson, ORDERER_SERVICE } from './services.js';

const OrdererInfoSchema = z.object({
  id: z.string(),
  mspId: z.string(),
  channels: z.array(z.object({ name: z.string(), height: z.number().int().min(0) })),
});

export interface RemoteOrdererOptions extends NodeClientOptions {
  /** How long a broadcast may take before it fails with UNAVAILABLE (default 10 s). */
  readonly broadcastTimeoutMs?: number;
}

/**
 * An orderer reached over gRPC with mutual TLS. It is an OrdererHandle (broadcast) for
 * gateways, and a block source (deliver) for peers.
 *
 * @example
 * const orderer = new RemoteOrderer({ id: 'Orderer1.orderer0', address: '127.0.0.1:7050', tls });
 * await orderer.broadcast(envelope);
 */
export class RemoteOrderer implements OrdererHandle {
  readonly id: string;
  readonly #client: NodeClient;
  readonly #broadcastTimeoutMs: number;

  constructor(opts: Readonly<RemoteOrdererOptions>) {
    this.id = opts.id;
    this.#client = new NodeClient(opts);
    this.#broadcastTimeoutMs = opts.broadcastTimeoutMs ?? 10_000;
  }

  get address(): string {
    return this.#client.address;
  }

  async broadcast(envelope: Uint8Array): Promise<void> {
    await this.#client.unary(ORDERER_SERVICE.broadcast, envelope, this.#broadcastTimeoutMs);
  }

  async info(timeoutMs = 5000): Promise<OrdererInfo> {
    const reply = await this.#client.unary(ORDERER_SERVICE.info, encodeJson({}), timeoutMs);
    return decodeJson(reply, OrdererInfoSchema, 'orderer info');
  }

  /** Streams a channel's blocks from `from` on. */
  deliver(channel: string, from: number): NodeStream {
    return this.#client.stream(ORDERER_SERVICE.deliver, encodeJson({ channel, from }));
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * One OrdererHandle over several orderers: it sends to the orderer that last answered, and on
 * UNAVAILABLE, ORDERER_STOPPED or RATE_LIMITED moves on to the next. An orderer that failed is
 * skipped for `downMs` (default 5 s) while another one answers, so a stopped orderer costs one
 * timeout, not one per envelope. A refusal (bad signature, forbidden, too large) is final and is
 * thrown at once.
 *
 * @example
 * new GatewayService({ peers, orderers: [failoverOrderer(orderers)] });
 */
export function failoverOrderer(orderers: readonly OrdererHandle[], downMs = 5000): OrdererHandle {
  if (orderers.length === 0)
    throw new ConsortiaError('INVALID_ARGUMENT', 'failoverOrderer needs at least one orderer');
  let preferred = 0;
  const downUntil = orderers.map(() => 0);
  return {
    id: orderers.map((o) => o.id).join(','),
    async broadcast(envelope) {
      const now = Date.now();
      const order = orderers.map((_, i) => (preferred + i) % orderers.length);
      // Orderers that failed recently go last.
      order.sort((a, b) => Number(downUntil[a]! > now) - Number(downUntil[b]! > now));
      let last: unknown;
      for (const index of order) {
        try {
          await orderers[index]!.broadcast(envelope);
          preferred = index;
          downUntil[index] = 0;
          return;
        } catch (err) {
          if (!isConsortiaError(err) || !RETRYABLE.has(err.code)) throw err;
          downUntil[index] = Date.now() + downMs;
          if (preferred === index) preferred = (index + 1) % orderers.length;
          last = err;
        }
      }
      throw new ConsortiaError(
        'ORDERERS_UNAVAILABLE',
        `no orderer accepted the envelope (${(last as Error | undefined)?.message ?? 'no answer'}); retry later`,
      );
    },
  };
}

const RETRYABLE = new Set(['UNAVAILABLE', 'ORDERER_STOPPED', 'RATE_LIMITED']);
