import type {
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ConsortiaError } from '../../common/index.js';
import type { Peer } from '../../peer/index.js';
import type { ChannelConfig } from '../../protocol/index.js';
import { GrpcErrorCodes } from './errors.js';
import { toServiceError } from './grpcStatus.js';
import { serveBlocks } from './serveBlocks.js';
import { encodeJson, PEER_SERVICE } from './services.js';
import type { TlsTrust } from './tlsConfig.js';

/** What a peer's Info call returns. */
export interface PeerInfo {
  readonly id: string;
  readonly mspId: string;
  readonly channels: readonly { name: string; height: number; config: ChannelConfig }[];
}

type Unary = (call: ServerUnaryCall<Uint8Array, Uint8Array>, cb: sendUnaryData<Uint8Array>) => void;

/** Wraps an async handler: its result is the reply, anything it throws the carried error. */
export function unary(
  fn: (req: Uint8Array, call: ServerUnaryCall<Uint8Array, Uint8Array>) => Promise<Uint8Array>,
): Unary {
  return (call, cb) => {
    fn(call.request, call).then(
      (reply) => cb(null, reply),
      (err: unknown) => cb(toServiceError(err)),
    );
  };
}

/** The org whose TLS CA issued the caller's certificate; TLS_REFUSED when none did. */
function senderOrg(trust: TlsTrust, call: ServerUnaryCall<Uint8Array, Uint8Array>): string {
  const org = trust.orgOf(call.getAuthContext()?.sslPeerCertificate?.raw);
  if (!org) {
    throw new ConsortiaError(
      GrpcErrorCodes.TLS_REFUSED,
      'private data is accepted only from a peer with a consortium TLS certificate',
    );
  }
  return org;
}

/** The Info reply of a peer. */
export function peerInfo(peer: Peer): PeerInfo {
  return {
    id: peer.id,
    mspId: peer.mspId,
    channels: peer.channels().map((name) => ({
      name,
      height: peer.height(name),
      config: peer.context(name).config,
    })),
  };
}

/**
 * The gRPC service of a peer: Endorse, Evaluate, Info, Blocks (committed blocks with their
 * validation codes, for gateways) and private data push and pull between member peers, on the
 * same Peer object the embedded network runs.
 *
 * @example
 * await GrpcServer.start({ address, tls, services: [peerService(peer, new TlsTrust({ caPems: tls.caPems }))] });
 */
export function peerService(
  peer: Peer,
  trust: TlsTrust,
): { definition: ServiceDefinition; handlers: UntypedServiceImplementation } {
  return {
    definition: PEER_SERVICE,
    handlers: {
      endorse: unary((req) => peer.endorse(req)),
      evaluate: unary((req) => peer.evaluate(req)),
      info: unary(async () => encodeJson(peerInfo(peer))),
      pushPrivateData: unary(async (req, call) => {
        peer.receivePrivateData(req, senderOrg(trust, call));
        return new Uint8Array(0);
      }),
      pullPrivateData: unary(async (req, call) => peer.servePrivateData(req, senderOrg(trust, call))),
      blocks: (call: ServerWritableStream<Uint8Array, Uint8Array>) =>
        serveBlocks(call, trust, (req) => {
          const context = peer.context(req.channel);
          const ledger = peer.ledger(req.channel);
          return {
            height: () => ledger.height,
            getBlock: (n) => ledger.getBlock(n),
            onNewBlock: (wake) =>
              peer.events.onBlock((e) => {
                if (e.channel === req.channel) wake();
              }),
            readers: () => [...context.appOrgs, ...context.ordererOrgs],
          };
        }),
    },
  };
}
