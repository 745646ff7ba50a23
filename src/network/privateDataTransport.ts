import { ConsortiaError } from '../common/index.js';
import type { Peer, PrivateDataTransport } from '../peer/index.js';

/** Decides whether a private data message from one peer reaches another (a test hook). */
export type PrivateDataFilter = (from: string, to: string, kind: 'push' | 'pull') => boolean;

/** Options of {@link embeddedPrivateDataTransport}. */
export interface EmbeddedPrivateDataTransportOptions {
  /** The peers that serve a channel. */
  readonly channelPeers: (channel: string) => readonly Peer[];
  /** Every peer of the network. */
  readonly allPeers: () => readonly Peer[];
  /** Drops the messages it returns false for, as a network partition would (tests). */
  readonly filter?: PrivateDataFilter | undefined;
}

/**
 * Private data between the peers of one process: a push or pull is a call of the other peer,
 * told the sending peer's org (in process, the network itself vouches for it).
 *
 * @example
 * const transport = embeddedPrivateDataTransport({ channelPeers: (ch) => membersOf(ch), allPeers: () => peers });
 * new Peer({ ...opts, privateDataTransport: transport });
 */
export function embeddedPrivateDataTransport(
  opts: Readonly<EmbeddedPrivateDataTransportOptions>,
): PrivateDataTransport {
  const find = (id: string): Peer => {
    const peer = opts.allPeers().find((p) => p.id === id);
    if (!peer) throw new ConsortiaError('UNAVAILABLE', `peer ${id} is not reachable for private data`);
    return peer;
  };
  const allowed = (from: string, to: string, kind: 'push' | 'pull') => {
    if (opts.filter && !opts.filter(from, to, kind)) {
      throw new ConsortiaError('UNAVAILABLE', `peer ${to} did not answer ${from}'s private data ${kind}`);
    }
  };
  return {
    peers: (channel, orgs, self) =>
      opts
        .channelPeers(channel)
        .filter((p) => p.id !== self && orgs.includes(p.mspId))
        .map((p) => ({ id: p.id, mspId: p.mspId })),
    push: async (from, to, message) => {
      allowed(from.id, to, 'push');
      find(to).receivePrivateData(message, from.mspId);
    },
    pull: async (from, to, message) => {
      allowed(from.id, to, 'pull');
      return find(to).servePrivateData(message, from.mspId);
    },
  };
}
