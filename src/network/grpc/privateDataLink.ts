import { ConsortiaError } from '../../common/index.js';
import type { PrivateDataTransport } from '../../peer/index.js';
import { GrpcErrorCodes } from './errors.js';
import { NodeClient } from './nodeClient.js';
import { PEER_SERVICE } from './services.js';
import type { TlsMaterial } from './tlsConfig.js';

/** A peer private data may be sent to. */
export interface PrivateDataEndpoint {
  readonly id: string;
  readonly mspId: string;
  /** Its gRPC `host:port`. */
  readonly address: string;
}

export interface GrpcPrivateDataOptions {
  /** This peer's TLS identity: receivers learn its org from the certificate's TLS CA. */
  readonly tls: TlsMaterial;
  /** The peers of a channel (for example from the org endpoints in the channel config). */
  readonly directory: (channel: string) => readonly PrivateDataEndpoint[];
  /** Deadline of one push or pull (default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * Private data between peers over gRPC with mutual TLS: the same bytes the embedded transport
 * hands over in process, sent to the other peer's PushPrivateData and PullPrivateData. The
 * receiving peer takes the sender's org from its TLS certificate, never from the message.
 *
 * @example
 * const privateData = grpcPrivateDataTransport({ tls, directory: (ch) => endpointsOf(ch) });
 * const peer = new Peer({ ...opts, privateDataTransport: privateData });
 */
export function grpcPrivateDataTransport(
  opts: Readonly<GrpcPrivateDataOptions>,
): PrivateDataTransport & { close(): void } {
  const clients = new Map<string, NodeClient>();
  const addresses = new Map<string, string>();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const client = (id: string): NodeClient => {
    const address = addresses.get(id);
    if (!address) {
      throw new ConsortiaError(GrpcErrorCodes.UNAVAILABLE, `no address is known for peer ${id}`, {
        peer: id,
      });
    }
    let c = clients.get(address);
    if (!c) {
      c = new NodeClient({ id, address, tls: opts.tls });
      clients.set(address, c);
    }
    return c;
  };
  return {
    peers(channel, orgs, self) {
      const found = opts.directory(channel).filter((p) => p.id !== self && orgs.includes(p.mspId));
      for (const p of found) addresses.set(p.id, p.address);
      return found.map((p) => ({ id: p.id, mspId: p.mspId }));
    },
    push: async (_from, to, message) => {
      await client(to).unary(PEER_SERVICE.pushPrivateData, message, timeoutMs);
    },
    pull: (_from, to, message) => client(to).unary(PEER_SERVICE.pullPrivateData, message, timeoutMs),
    close() {
      for (const c of clients.values()) c.close();
      clients.clear();
    },
  };
}
