import { Server, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { ConsortiaError } from '../../common/index.js';
import { MAX_GRPC_MESSAGE_BYTES } from './services.js';
import { serverCredentials, type TlsMaterial } from './tlsConfig.js';

export interface GrpcServerOptions {
  /** `host:port` to listen on; port 0 picks a free port. */
  readonly address: string;
  readonly tls: TlsMaterial;
  readonly services: readonly {
    readonly definition: ServiceDefinition;
    readonly handlers: UntypedServiceImplementation;
  }[];
  /** Largest message received or sent (default MAX_GRPC_MESSAGE_BYTES). */
  readonly maxMessageBytes?: number;
}

/**
 * A node's gRPC server over HTTP/2 with mutual TLS: clients must present a certificate from a
 * consortium TLS CA. Oversized messages are refused with RESOURCE_EXHAUSTED and the server keeps
 * serving.
 *
 * @example
 * const server = await GrpcServer.start({ address: '127.0.0.1:0', tls, services: [peerService(peer, tls)] });
 * console.log(server.port);
 */
export class GrpcServer {
  readonly port: number;
  readonly address: string;
  readonly #server: Server;

  private constructor(server: Server, address: string, port: number) {
    this.#server = server;
    this.address = address;
    this.port = port;
  }

  static async start(opts: Readonly<GrpcServerOptions>): Promise<GrpcServer> {
    const max = opts.maxMessageBytes ?? MAX_GRPC_MESSAGE_BYTES;
    const server = new Server({
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 1000,
    });
    for (const s of opts.services) server.addService(s.definition, s.handlers);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(opts.address, serverCredentials(opts.tls), (err, p) =>
        err ? reject(err) : resolve(p),
      );
    }).catch((err: unknown) => {
      throw new ConsortiaError(
        'PORT_UNAVAILABLE',
        `cannot listen on ${opts.address}: ${(err as Error).message}`,
        { address: opts.address },
        { cause: err },
      );
    });
    const host = opts.address.slice(0, opts.address.lastIndexOf(':'));
    return new GrpcServer(server, `${host}:${port}`, port);
  }

  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cuts the rest. */
  async close(graceMs = 2000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
