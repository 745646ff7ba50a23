import { Client, type ClientReadableStream, Metadata, type MethodDefinition } from '@grpc/grpc-js';
import type { ConsortiaError } from '../../common/index.js';
import { fromServiceError } from './grpcStatus.js';
import { MAX_GRPC_MESSAGE_BYTES } from './services.js';
import { clientCredentials, type TlsMaterial } from './tlsConfig.js';

export interface NodeClientOptions {
  /** The node's id, for error messages (`TelcoA.peer0`). */
  readonly id: string;
  /** `host:port` of the node. */
  readonly address: string;
  readonly tls: TlsMaterial;
  /** Largest message received or sent (default MAX_GRPC_MESSAGE_BYTES). */
  readonly maxMessageBytes?: number;
  /** Overrides the TLS server name checked against the certificate (default: the address host). */
  readonly serverName?: string;
}

/** A block stream opened by {@link NodeClient.stream}. */
export interface NodeStream {
  /** Messages, in order; ends when the server ends the stream, throws a ConsortiaError on failure. */
  readonly messages: AsyncIterable<Uint8Array>;
  cancel(): void;
}

/**
 * A mutual-TLS gRPC connection to one node: unary calls with a deadline and server streams.
 * Failures arrive as ConsortiaErrors: the node's own error, or UNAVAILABLE when it cannot be
 * reached.
 *
 * @example
 * const client = new NodeClient({ id: 'TelcoA.peer0', address: '127.0.0.1:7051', tls });
 * const reply = await client.unary(PEER_SERVICE.info, encodeJson({}), 5000);
 */
export class NodeClient {
  readonly id: string;
  readonly address: string;
  readonly #client: Client;

  constructor(opts: Readonly<NodeClientOptions>) {
    this.id = opts.id;
    this.address = opts.address;
    const max = opts.maxMessageBytes ?? MAX_GRPC_MESSAGE_BYTES;
    this.#client = new Client(opts.address, clientCredentials(opts.tls), {
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      'grpc.keepalive_time_ms': 5000,
      'grpc.keepalive_timeout_ms': 5000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
      ...(opts.serverName ? { 'grpc.ssl_target_name_override': opts.serverName } : {}),
    });
  }

  /** One request, one reply; rejects with UNAVAILABLE after `timeoutMs`. */
  unary(
    method: MethodDefinition<Uint8Array, Uint8Array>,
    request: Uint8Array,
    timeoutMs: number,
  ): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, reply) => (err || !reply ? reject(fromServiceError(err, this.id)) : resolve(reply)),
      );
    });
  }

  /** Opens a server stream. */
  stream(method: MethodDefinition<Uint8Array, Uint8Array>, request: Uint8Array): NodeStream {
    const call: ClientReadableStream<Uint8Array> = this.#client.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      new Metadata(),
      {},
    );
    const id = this.id;
    let cancelled = false;
    async function* messages(): AsyncGenerator<Uint8Array> {
      try {
        for await (const m of call as AsyncIterable<Uint8Array>) yield m;
      } catch (err) {
        if (!cancelled) throw fromServiceError(err, id) satisfies ConsortiaError;
      } finally {
        if (!cancelled) {
          cancelled = true;
          call.cancel();
        }
      }
    }
    return {
      messages: messages(),
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        call.cancel();
      },
    };
  }

  close(): void {
    this.#client.close();
  }
}
