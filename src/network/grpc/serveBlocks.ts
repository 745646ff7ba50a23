import type { ServerWritableStream } from '@grpc/grpc-js';
import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import { GrpcErrorCodes } from './errors.js';
import { toServiceError } from './grpcStatus.js';
import { decodeJson } from './services.js';
import type { TlsTrust } from './tlsConfig.js';

/** The request of a block stream (peer Blocks, orderer Deliver). */
export const StreamRequestSchema = z.object({
  channel: z.string().min(1).max(250),
  from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type StreamRequest = z.infer<typeof StreamRequestSchema>;

/** Where a block stream reads from. */
export interface BlockSource {
  height(): number;
  getBlock(n: number): Uint8Array | undefined;
  /** Calls `wake` after each new block; returns the function that stops it. */
  onNewBlock(wake: () => void): () => void;
  /** Orgs allowed to read the channel (its member and ordering orgs). */
  readers(): readonly string[];
}

/**
 * Serves a block stream: the stored blocks from `from`, then each new one, respecting the
 * stream's flow control, until the client cancels. The client's TLS certificate must come from
 * the TLS CA of an org allowed to read the channel (TLS_REFUSED otherwise).
 *
 * @example
 * blocks: (call) => serveBlocks(call, trust, (req) => sourceFor(req.channel)),
 */
export function serveBlocks(
  call: ServerWritableStream<Uint8Array, Uint8Array>,
  trust: TlsTrust,
  sourceFor: (req: StreamRequest) => BlockSource,
): void {
  let cancelled = false;
  let wake: (() => void) | undefined;
  let dirty = false;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  call.on('cancelled', () => {
    cancelled = true;
    poke();
  });
  let off: (() => void) | undefined;
  const run = async () => {
    const req = decodeJson(call.request, StreamRequestSchema, 'block stream request');
    const source = sourceFor(req);
    const org = trust.orgOf(call.getAuthContext()?.sslPeerCertificate?.raw);
    if (!org || !source.readers().includes(org)) {
      throw new ConsortiaError(
        GrpcErrorCodes.TLS_REFUSED,
        `the TLS client (${org ?? 'unknown org'}) may not read channel ${req.channel}`,
        { channel: req.channel },
      );
    }
    off = source.onNewBlock(poke);
    let next = req.from;
    while (!cancelled) {
      dirty = false;
      if (next < source.height()) {
        const block = source.getBlock(next);
        if (!block) throw new ConsortiaError('INTERNAL', `block ${next} is missing from the store`);
        next++;
        if (!call.write(block)) {
          await new Promise<void>((r) => {
            wake = r;
            call.once('drain', r);
          });
          wake = undefined;
        }
        continue;
      }
      if (!dirty) {
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    }
  };
  run()
    .then(
      () => call.end(),
      (err: unknown) => {
        if (!cancelled) call.emit('error', toServiceError(err));
      },
    )
    .finally(() => off?.());
}
