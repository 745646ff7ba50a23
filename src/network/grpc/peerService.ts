import type { ServerWritableStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Peer } from '../../peer/index.js';
import type { ChannelConfig } from '../../protocol/index.js';
import { LinkAuthorizer } from './linkAuthorizer.js';
import { serveBlocks } from './serveBlocks.js';
import { encodeJson, PEER_SERVICE } from './services.js';
import type { TlsTrust } from './tlsConfig.js';

/** What a peer's Info call returns. */
export interface PeerInfo {
  readonly id: string;
  readonly mspId: string;
  readonly channels: readonly { name: string; height: number; config: ChannelConfig }[];
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
 * The link checks of a peer: TLS clients from consortium TLS CAs, minus those a CRL in one of
 * the peer's channel configurations revokes; re-checked after each block the peer commits.
 *
 * @example
 * const links = peerLinkAuthorizer(peer, new TlsTrust({ caPems: tls.caPems }));
 */
export function peerLinkAuthorizer(peer: Peer, trust: TlsTrust): LinkAuthorizer {
  return new LinkAuthorizer({
    trust,
    configs: () => peer.channels().map((name) => peer.context(name).config),
    onConfigChange: (listener) => peer.events.onBlock(() => listener()),
  });
}

/**
 * The gRPC service of a peer: Endorse, Evaluate, Info, Blocks (committed blocks with their
 * validation codes, for gateways) and private data push and pull between member peers, on the
 * same Peer object the embedded network runs. Every call is checked by
 * {@link peerLinkAuthorizer} (TLS_REFUSED, TLS_CERT_REVOKED); private data takes the sending
 * org from the caller's TLS certificate.
 *
 * @example
 * await GrpcServer.start({ address, tls, services: [peerService(peer, new TlsTrust({ caPems: tls.caPems }))] });
 */
export function peerService(
  peer: Peer,
  trust: TlsTrust,
): { definition: ServiceDefinition; handlers: UntypedServiceImplementation } {
  const links = peerLinkAuthorizer(peer, trust);
  return {
    definition: PEER_SERVICE,
    handlers: {
      endorse: links.unary((req) => peer.endorse(req)),
      evaluate: links.unary((req) => peer.evaluate(req)),
      info: links.unary(async () => encodeJson(peerInfo(peer))),
      pushPrivateData: links.unary(async (req, caller) => {
        peer.receivePrivateData(req, caller.org);
        return new Uint8Array(0);
      }),
      pullPrivateData: links.unary(async (req, caller) => peer.servePrivateData(req, caller.org)),
      blocks: (call: ServerWritableStream<Uint8Array, Uint8Array>) =>
        serveBlocks(call, links, (req) => {
          const context = () => peer.context(req.channel);
          const ledger = peer.ledger(req.channel);
          return {
            height: () => ledger.height,
            getBlock: (n) => ledger.getBlock(n),
            onNewBlock: (wake) =>
              peer.events.onBlock((e) => {
                if (e.channel === req.channel) wake();
              }),
            readers: () => [...context().appOrgs, ...context().ordererOrgs],
          };
        }),
    },
  };
}
