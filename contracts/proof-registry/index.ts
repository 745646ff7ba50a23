/**
 * proof-registry: proofs of existence of documents, as lean as a transaction can be.
 *
 * An org registers the SHA-256 hash of a document; the ledger then proves that this org knew
 * the document at that time. Nothing else is on chain: not the document, not a reference.
 *
 *   p:<hash> → "<MSP id of the registering org>"   (a JSON string, e.g. "TelcoA")
 *
 * `register` is a blind write: it reads nothing, so its read–write set has one write and no
 * read, two registrations never conflict (no MVCC read conflict is possible), and it returns no
 * result and emits no event. Registering a hash again overwrites the value, but the key's
 * history keeps every registration with its transaction id and time, so the first one (the proof
 * of existence at that time) is never lost: `lookup` reads it from the history. Times are the
 * proposal timestamps, which the submitting client signs; the block timestamp set by the orderer
 * is in the block header.
 *
 * This is the put-only shape `consortia bench --workload register` measures.
 */
import { z } from 'zod';
import { ContractError, defineContract } from '../../src/contract/index.js';

const HASH_RE = /^[0-9a-f]{64}$/;

const hash = z.string().regex(HASH_RE, 'must be a SHA-256 hash: 64 lowercase hex characters');

const proofKey = (h: string) => `p:${h}`;

/** What `lookup` returns. */
export interface ProofLookup {
  readonly hash: string;
  /** The first registration: the proof that `org` knew the document at `timestamp`. */
  readonly firstRegistered: { readonly org: string; readonly txId: string; readonly timestamp: string };
  /** How many times the hash was registered (by any org). */
  readonly registrations: number;
}

export default defineContract({
  name: 'proof-registry',
  version: '1.0',
  description:
    "Proofs of existence: an org registers a document's SHA-256 hash with one blind write (no read, so registrations never conflict). Registering a hash again overwrites it, but the key's history keeps every registration, so the first one is never lost.",
  transactions: {
    register: {
      description:
        "Records that the caller's org knew the document with this SHA-256 hash now. Writes one key and reads nothing; returns nothing and emits no event. A repeat registration is kept in the key's history.",
      args: z.strictObject({ hash }),
      async run(ctx, a) {
        await ctx.state.put(proofKey(a.hash), ctx.caller.mspId);
      },
    },
  },
  queries: {
    lookup: {
      description:
        'Whether the document with this hash was registered: the first registration (org, transaction id, time) and how many there were. UNKNOWN_PROOF when never registered.',
      args: z.strictObject({ hash }),
      async run(ctx, a): Promise<ProofLookup> {
        const changes = (await ctx.state.history<string>(proofKey(a.hash))).filter((c) => !c.isDelete);
        const first = changes[0];
        if (!first) {
          throw new ContractError('UNKNOWN_PROOF', `no document with hash ${a.hash} was ever registered`, {
            hash: a.hash,
          });
        }
        return {
          hash: a.hash,
          firstRegistered: {
            org: String(first.value),
            txId: first.txId,
            timestamp: first.timestamp.toISOString(),
          },
          registrations: changes.length,
        };
      },
    },
  },
});
