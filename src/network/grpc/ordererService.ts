import type {
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { SoloOrderer } from '../../orderer/index.js';
import { decodeChannelConfig, parseBlock, parseEnvelope } from '../../protocol/index.js';
import { unary } from './peerService.js';
import { serveBlocks } from './serveBlocks.js';
import { encodeJson, ORDERER_SERVICE } from './services.js';
import type { TlsTrust } from './tlsConfig.js';

/** Options of one broadcast: when the client gives up (ms since the epoch). */
export interface BroadcastOptions {
  readonly deadline?: number;
}

/** What the orderer service needs of an orderer (the solo and the etcd orderer both fit). */
export interface OrdererBackend {
  readonly mspId: string;
  readonly name: string;
  channels(): string[];
  height(channel: string): number;
  getBlock(channel: string, n: number): Uint8Array | undefined;
  /** Calls `wake` after each new block of `channel`; returns the function that stops it. */
  onNewBlock(channel: string, wake: () => void): () => void;
  /** Orgs allowed to read the channel's blocks. */
  readers(channel: string): readonly string[];
  broadcast(envelope: Uint8Array, opts?: BroadcastOptions): Promise<void>;
}

/** What an orderer's Info call returns. */
export interface OrdererInfo {
  readonly id: string;
  readonly mspId: string;
  readonly channels: readonly { name: string; height: number }[];
}

function deadlineOf(call: ServerUnaryCall<Uint8Array, Uint8Array>): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The gRPC service of an orderer: Broadcast (acknowledged once the envelope is accepted for
 * ordering), Deliver (signed blocks from a height on, then each new one) and Info.
 *
 * @example
 * await GrpcServer.start({ address, tls, services: [ordererService(orderer, new TlsTrust({ caPems: tls.caPems }))] });
 */
export function ordererService(
  backend: OrdererBackend,
  trust: TlsTrust,
): { definition: ServiceDefinition; handlers: UntypedServiceImplementation } {
  return {
    definition: ORDERER_SERVICE,
    handlers: {
      broadcast: unary(async (req, call) => {
        const deadline = deadlineOf(call);
        await backend.broadcast(req, deadline === undefined ? {} : { deadline });
        return new Uint8Array(0);
      }),
      info: unary(async () => {
        const info: OrdererInfo = {
          id: `${backend.mspId}.${backend.name}`,
          mspId: backend.mspId,
          channels: backend.channels().map((name) => ({ name, height: backend.height(name) })),
        };
        return encodeJson(info);
      }),
      deliver: (call: ServerWritableStream<Uint8Array, Uint8Array>) =>
        serveBlocks(call, trust, (req) => {
          // Throws UNKNOWN_CHANNEL for a channel this orderer does not serve.
          backend.height(req.channel);
          return {
            height: () => backend.height(req.channel),
            getBlock: (n) => backend.getBlock(req.channel, n),
            onNewBlock: (wake) => backend.onNewBlock(req.channel, wake),
            readers: () => backend.readers(req.channel),
          };
        }),
    },
  };
}

/**
 * Adapts a SoloOrderer to the orderer service. Readers are the orgs of each channel's genesis
 * configuration (a solo orderer does not expose later configs).
 *
 * @example
 * ordererService(soloOrdererBackend(orderer), trust);
 */
export function soloOrdererBackend(orderer: SoloOrderer): OrdererBackend {
  const readers = new Map<string, readonly string[]>();
  return {
    mspId: orderer.mspId,
    name: orderer.name,
    channels: () => orderer.channels(),
    height: (ch) => orderer.height(ch),
    getBlock: (ch, n) => orderer.getBlock(ch, n),
    onNewBlock: (ch, wake) => orderer.subscribe(ch, orderer.height(ch), () => wake()),
    readers(ch) {
      let r = readers.get(ch);
      if (!r) {
        const tx = parseEnvelope(parseBlock(orderer.getBlock(ch, 0)!).envelopes[0]!);
        const cfg = tx.type === 'config' ? decodeChannelConfig(tx.config.config) : undefined;
        r = cfg ? [...cfg.orgs, ...cfg.ordererOrgs].map((o) => o.mspId) : [];
        readers.set(ch, r);
      }
      return r;
    },
    broadcast: (e) => orderer.broadcast(e),
  };
}
