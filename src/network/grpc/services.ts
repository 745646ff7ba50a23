import type { MethodDefinition } from '@grpc/grpc-js';
import type { z } from 'zod';
import { ConsortiaError, fromUtf8, utf8 } from '../../common/index.js';
import { GrpcErrorCodes } from './errors.js';

/**
 * Largest message a node accepts or sends (80 MiB): above the largest block a channel may cut
 * (batch maxBytes is at most 64 MiB) plus its signatures. Larger messages get RESOURCE_EXHAUSTED
 * (MESSAGE_TOO_LARGE on the client) and the node keeps serving.
 */
export const MAX_GRPC_MESSAGE_BYTES = 80 * 1024 * 1024;

/** Messages travel as the exact bytes that were signed: no re-serialisation on either side. */
function bytesMethod(path: string, responseStream = false): MethodDefinition<Uint8Array, Uint8Array> {
  const serialize = (b: Uint8Array): Buffer =>
    Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const deserialize = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  };
}

/**
 * The peer service: Endorse and Evaluate take a signed proposal and return the signed proposal
 * response; Info returns the peer's channels, heights and configs (JSON); Blocks streams a
 * channel's committed blocks (with validation codes) from a height on, then each new one;
 * PushPrivateData and PullPrivateData carry private data between member peers, the sending org
 * being the one whose TLS CA issued the caller's certificate.
 */
export const PEER_SERVICE = {
  endorse: bytesMethod('/consortia.Peer/Endorse'),
  evaluate: bytesMethod('/consortia.Peer/Evaluate'),
  info: bytesMethod('/consortia.Peer/Info'),
  blocks: bytesMethod('/consortia.Peer/Blocks', true),
  /** Private data from another member peer (an encoded PrivateDataPush); empty reply. */
  pushPrivateData: bytesMethod('/consortia.Peer/PushPrivateData'),
  /** A reconciliation pull (PrivateDataPull) answered with PrivateDataPulled. */
  pullPrivateData: bytesMethod('/consortia.Peer/PullPrivateData'),
} as const;

/**
 * The orderer service: Broadcast takes a signed envelope and answers once it is accepted for
 * ordering; Deliver streams a channel's blocks (orderer-signed) from a height on; Info returns
 * the orderer's channels and heights (JSON).
 */
export const ORDERER_SERVICE = {
  broadcast: bytesMethod('/consortia.Orderer/Broadcast'),
  deliver: bytesMethod('/consortia.Orderer/Deliver', true),
  info: bytesMethod('/consortia.Orderer/Info'),
} as const;

/** Encodes a JSON message of the services (requests of Info/Blocks/Deliver, Info replies). */
export function encodeJson(value: unknown): Uint8Array {
  return utf8(JSON.stringify(value));
}

/**
 * Decodes and checks a JSON message; throws MALFORMED_REQUEST naming the problem.
 *
 * @example
 * const req = decodeJson(call.request, StreamRequestSchema, 'Deliver request');
 */
export function decodeJson<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new ConsortiaError(GrpcErrorCodes.MALFORMED_REQUEST, `the ${what} is not UTF-8 JSON`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConsortiaError(
      GrpcErrorCodes.MALFORMED_REQUEST,
      `the ${what} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'bad value'}`,
    );
  }
  return r.data;
}
