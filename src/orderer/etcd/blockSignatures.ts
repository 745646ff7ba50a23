import { fromBase64, toHex } from '../../common/index.js';
import { verifyBytes } from '../../crypto/index.js';
import type { ChannelContext } from '../../peer/index.js';
import { blockSigningBytes } from '../../protocol/index.js';
import type { PublishedSignature } from './etcdChannelLog.js';

/** Signatures of one header that verify, one per ordering org, and those on other headers. */
export interface SignatureTally {
  /** Verified signatures on `hash`, at most one per ordering org. */
  readonly matching: readonly { signer: Uint8Array; signature: Uint8Array; mspId: string }[];
  /** Ordering orgs whose verified signatures are on a different header for the same block. */
  readonly conflicting: readonly string[];
}

/**
 * Sorts published signatures for a block: those that verify for `headerBytes` by a valid orderer
 * of an ordering org of the channel (one per org), and the orgs that validly signed another
 * header for the same block number (a divergence the orderer must not ignore).
 *
 * @example
 * const tally = tallySignatures(published, headerBytes, context, new Date(timestamp));
 * if (tally.matching.length >= context.config.ordering.signaturesRequired) commit();
 */
export function tallySignatures(
  published: readonly PublishedSignature[],
  headerBytes: Uint8Array,
  hash: Uint8Array,
  context: ChannelContext,
  at: Date,
): SignatureTally {
  const hashHex = toHex(hash);
  const matching = new Map<string, { signer: Uint8Array; signature: Uint8Array; mspId: string }>();
  const conflicting = new Set<string>();
  for (const p of published) {
    try {
      const signer = fromBase64(p.signer);
      const signature = fromBase64(p.signature);
      const id = context.resolveIdentity(signer, at, 'orderer');
      if (!context.ordererOrgs.includes(id.mspId)) continue;
      if (p.hash !== hashHex) {
        // Only the signer can tell whether its signature is on the other header; it claims so.
        conflicting.add(id.mspId);
        continue;
      }
      if (matching.has(id.mspId)) continue;
      if (verifyBytes(id.publicKey, blockSigningBytes(headerBytes, signer), signature))
        matching.set(id.mspId, { signer, signature, mspId: id.mspId });
    } catch {
      // not a valid orderer identity or malformed: it counts for nothing
    }
  }
  return { matching: [...matching.values()], conflicting: [...conflicting] };
}
