/** A peer as private data dissemination sees it. */
export interface PrivateDataPeer {
  /** `Org.peerName`, as `Peer.id`. */
  readonly id: string;
  readonly mspId: string;
}

/**
 * How peers send each other private data, whatever carries it: the embedded network calls the
 * other peer in process, a distributed one would send the same bytes over gRPC with mutual TLS.
 * Messages are encoded `PrivateDataPush` / `PrivateDataPull` / `PrivateDataPulled` (see
 * src/protocol/privateDataMessages.ts). The receiving side is `Peer.receivePrivateData` and
 * `Peer.servePrivateData`, which are told the authenticated org of the sending peer.
 *
 * @example
 * const transport: PrivateDataTransport = {
 *   peers: (channel, orgs, self) => network.peersOf(channel).filter((p) => orgs.includes(p.mspId) && p.id !== self),
 *   push: (from, to, bytes) => network.peer(to).receivePrivateData(bytes, from.mspId),
 *   pull: async (from, to, bytes) => network.peer(to).servePrivateData(bytes, from.mspId),
 * };
 */
export interface PrivateDataTransport {
  /** Peers of the given orgs that serve `channel`, other than the peer `self`. */
  peers(channel: string, orgs: readonly string[], self: string): readonly PrivateDataPeer[];
  /** Delivers a push; resolves once the receiving peer kept it, rejects when it did not. */
  push(from: PrivateDataPeer, to: string, message: Uint8Array): Promise<void>;
  /** Sends a pull request; resolves with the encoded answer. */
  pull(from: PrivateDataPeer, to: string, message: Uint8Array): Promise<Uint8Array>;
}
