import type { PolicySigner } from './types.js';

/** All signer role bits: what a `member` principal accepts. */
export const MEMBER_MASK = 15;

/** The role bit of a signer (admin 1, peer 2, client 4, orderer 8), 0 for a role that is not one of the four. */
export function roleBit(role: string): number {
  switch (role) {
    case 'admin':
      return 1;
    case 'peer':
      return 2;
    case 'client':
      return 4;
    case 'orderer':
      return 8;
    default:
      return 0;
  }
}

/** The slot of a signer role in a per-org count vector: admin 0, peer 1, client 2, orderer 3. */
export function roleSlot(role: string): number {
  switch (role) {
    case 'admin':
      return 0;
    case 'peer':
      return 1;
    case 'client':
      return 2;
    case 'orderer':
      return 3;
    default:
      return -1;
  }
}

const SMALL = 16;

/**
 * The signers with each `id` kept once (its first occurrence). Returns the input array itself,
 * without allocating, when there are no repeats.
 */
export function uniqueSigners(signers: readonly PolicySigner[]): readonly PolicySigner[] {
  const len = signers.length;
  if (len < 2) return signers;
  if (len <= SMALL) {
    let repeat = false;
    outer: for (let i = 1; i < len; i++) {
      const id = (signers[i] as PolicySigner).id;
      for (let j = 0; j < i; j++) {
        if ((signers[j] as PolicySigner).id === id) {
          repeat = true;
          break outer;
        }
      }
    }
    if (!repeat) return signers;
  }
  const seen = new Set<string>();
  const out: PolicySigner[] = [];
  for (const s of signers) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    out.push(s);
  }
  return out.length === len ? signers : out;
}
