import type {
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { SoloOrderer } from '../../orderer/index.js';
import { type ChannelConfig, decodeChannelConfig, parseBlock, parseEnvelope } from '../../protocol/index.js';
import { LinkAuthorizer } from './linkAuthorizer.js';
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
  /**
   * The channel configuration of the stored chain. Without it the orderer's links do not
   * apply the CRLs of TLS CAs (see {@link ordererLinkAuthorizer}).
   */
  channelConfig?(channel: string): ChannelConfig;
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
 * The link checks of an orderer: TLS clients from consortium TLS CAs, minus those a CRL in one
 * of its channel configurations revokes; re-checked after each block of any channel it serves.
 *
 * @example
 * const links = ordererLinkAuthorizer(orderer, new TlsTrust({ caPems: tls.caPems }));
 */
export function ordererLinkAuthorizer(backend: OrdererBackend, trust: TlsTrust): LinkAuthorizer {
  return new LinkAuthorizer({
    trust,
    configs: () =>
      backend.channelConfig
        ? backend.channels().map((name) => backend.channelConfig!(name))
        : ([] as ChannelConfig[]),
    onConfigChange: (listener) => {
      const offs = backend.channels().map((name) => backend.onNewBlock(name, listener));
      return () => {
        for (const off of offs) off();
      };
    },
  });
}

/**
 * The gRPC service of an orderer: Broadcast (acknowledged once the envelope is accepted for
 * ordering), Deliver (signed blocks from a height on, then each new one) and Info. Every call
 * is checked by {@link ordererLinkAuthorizer} (TLS_REFUSED, TLS_CERT_REVOKED).
 *
 * @example
 * await GrpcServer.start({ address, tls, services: [ordererService(orderer, new TlsTrust({ caPems: tls.caPems }))] });
 */
export function ordererService(
  backend: OrdererBackend,
  trust: TlsTrust,
): { definition: ServiceDefinition; handlers: UntypedServiceImplementation } {
  const links = ordererLinkAuthorizer(backend, trust);
  return {
    definition: ORDERER_SERVICE,
    handlers: {
      broadcast: links.unary(async (req, _caller, call) => {
        const deadline = deadlineOf(call);
        await backend.broadcast(req, deadline === undefined ? {} : { deadline });
        return new Uint8Array(0);
      }),
      info: links.unary(async () => {
        const info: OrdererInfo = {
          id: `${backend.mspId}.${backend.name}`,
          mspId: backend.mspId,
          channels: backend.channels().map((name) => ({ name, height: backend.height(name) })),
        };
        return encodeJson(info);
      }),
      deliver: (call: ServerWritableStream<Uint8Array, Uint8Array>) =>
        serveBlocks(call, links, (req) => {
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
 * Adapts a SoloOrderer to the orderer service. Its channel configuration (readers, CRLs) is
 * that of the last config block it stored, found by reading each new block once.
 *
 * @example
 * ordererService(soloOrdererBackend(orderer), trust);
 */
export function soloOrdererBackend(orderer: SoloOrderer): OrdererBackend {
  const scans = new Map<string, { scanned: number; config: ChannelConfig | undefined }>();
  const channelConfig = (ch: string): ChannelConfig => {
    const height = orderer.height(ch);
    let scan = scans.get(ch);
    if (!scan) {
      scan = { scanned: 0, config: undefined };
      scans.set(ch, scan);
    }
    for (; scan.scanned < height; scan.scanned++) {
      try {
        const block = parseBlock(orderer.getBlock(ch, scan.scanned)!);
        if (block.envelopes.length !== 1) continue;
        const tx = parseEnvelope(block.envelopes[0]!);
        if (tx.type === 'config') scan.config = decodeChannelConfig(tx.config.config);
      } catch {
        // not a config block
      }
    }
    return scan.config!;
  };
  return {
    mspId: orderer.mspId,
    name: orderer.name,
    channels: () => orderer.channels(),
    height: (ch) => orderer.height(ch),
    getBlock: (ch, n) => orderer.getBlock(ch, n),
    onNewBlock: (ch, wake) => orderer.subscribe(ch, orderer.height(ch), () => wake()),
    readers(ch) {
      const cfg = channelConfig(ch);
      return [...cfg.orgs, ...cfg.ordererOrgs].map((o) => o.mspId);
    },
    channelConfig,
    broadcast: (e) => orderer.broadcast(e),
  };
}
