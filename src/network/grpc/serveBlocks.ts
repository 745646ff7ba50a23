import type { ServerWritableStream } from '@grpc/grpc-js';
import { z } from 'zod';
import { ConsortiaError } from '../../common/index.js';
import { GrpcErrorCodes } from './errors.js';
import { toServiceError } from './grpcStatus.js';
import type { LinkAuthorizer, LinkCaller } from './linkAuthorizer.js';
import { decodeJson } from './services.js';

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

/** TLS_REFUSED unless the caller's org may read the channel. */
function checkReader(caller: LinkCaller, source: BlockSource, channel: string): void {
  if (!source.readers().includes(caller.org)) {
    throw new ConsortiaError(
      GrpcErrorCodes.TLS_REFUSED,
      `the TLS client (${caller.org}) may not read channel ${channel}`,
      { channel },
    );
  }
}

/**
 * Serves a block stream: the stored blocks from `from`, then each new one, respecting the
 * stream's flow control, until the client cancels. The client must pass `links` and come from
 * the TLS CA of an org allowed to read the channel (TLS_REFUSED otherwise). Both are checked
 * again before each block and whenever a configuration may have changed, so a stream whose
 * client a committed CRL revokes ends with TLS_CERT_REVOKED right after that block.
 *
 * @example
 * blocks: (call) => serveBlocks(call, links, (req) => sourceFor(req.channel)),
 */
export function serveBlocks(
  call: ServerWritableStream<Uint8Array, Uint8Array>,
  links: LinkAuthorizer,
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
  const offs: (() => void)[] = [];
  const run = async () => {
    const caller = await links.authorize(call);
    const req = decodeJson(call.request, StreamRequestSchema, 'block stream request');
    const source = sourceFor(req);
    checkReader(caller, source, req.channel);
    offs.push(source.onNewBlock(poke), links.onConfigChange(poke));
    let next = req.from;
    while (!cancelled) {
      dirty = false;
      await links.check(caller);
      checkReader(caller, source, req.channel);
      if (cancelled) break;
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
    .finally(() => {
      for (const off of offs) off();
    });
}
