import {
  type CNode,
  ExactSearch,
  MAX_POLICY_SEARCH_STEPS,
  type SearchLimits,
  type SearchResult,
  WITNESS_SEARCH_STEPS,
} from './exactSearch.js';
import type {
  CompiledPolicy,
  EvaluationContext,
  ImplicitMetaRule,
  ImplicitMetaSubPolicy,
  Policy,
  PolicyNode,
  PolicySigner,
  PrincipalRole,
} from './types.js';
import { MEMBER_MASK, roleBit, roleSlot, uniqueSigners } from './uniqueSigners.js';
import { validatePolicy } from './validatePolicy.js';

/** Signer role bits each meta sub-policy asks of an org. */
export const META_ROLE_MASK: Readonly<Record<ImplicitMetaSubPolicy, number>> = {
  Admins: 1,
  Endorsement: 2,
  Peers: 2,
  Clients: 4,
  Orderers: 8,
  Readers: MEMBER_MASK,
  Writers: MEMBER_MASK,
  Members: MEMBER_MASK,
};

/** Signer role bits a principal role accepts. */
export function principalMask(role: PrincipalRole): number {
  return role === 'member' ? MEMBER_MASK : roleBit(role);
}

/** Demand slot of a principal role in a per-org vector: admin, peer, client, orderer, member. */
function demandSlot(role: PrincipalRole): number {
  return role === 'member' ? 4 : roleSlot(role);
}

/** Evaluates a node counting each principal on its own, as if one signer could serve several. */
function relaxed(node: CNode, masks: Uint8Array): boolean {
  if (node.n < 0) return ((masks[node.org] as number) & node.mask) !== 0;
  const kids = node.kids;
  const n = node.n;
  let have = 0;
  for (let i = 0; i < kids.length; i++) {
    if (relaxed(kids[i] as CNode, masks)) {
      if (++have >= n) return true;
    } else if (have + (kids.length - i - 1) < n) {
      return false;
    }
  }
  return false;
}

/**
 * Compiles a signature policy into a checker with three outcomes; `tooComplex` (the exact search
 * gave up after `MAX_POLICY_SEARCH_STEPS`) is deterministic and counts as not satisfied.
 */
export function signatureChecker(
  root: PolicyNode,
  limits: SearchLimits = { witnessSteps: WITNESS_SEARCH_STEPS, searchSteps: MAX_POLICY_SEARCH_STEPS },
): (signers: readonly PolicySigner[]) => SearchResult {
  const orgIndex = new Map<string, number>();
  const leaves: number[] = [];
  const countLeaves = (node: PolicyNode): void => {
    if (node.kind === 'outOf') {
      for (const r of node.rules) countLeaves(r);
      return;
    }
    let i = orgIndex.get(node.principal.mspId);
    if (i === undefined) {
      i = orgIndex.size;
      orgIndex.set(node.principal.mspId, i);
      leaves.push(0);
    }
    leaves[i] = (leaves[i] as number) + 1;
  };
  countLeaves(root);
  let shared = 0;
  const sharedIndex = leaves.map((count) => (count > 1 ? shared++ : -1));
  const build = (node: PolicyNode): CNode => {
    if (node.kind === 'outOf') return { n: node.n, kids: node.rules.map(build), org: -1, mask: 0, slot: -1 };
    const org = orgIndex.get(node.principal.mspId) as number;
    const s = sharedIndex[org] as number;
    const slot = s < 0 ? -1 : s * 5 + demandSlot(node.principal.role);
    return { n: -1, kids: [], org, mask: principalMask(node.principal.role), slot };
  };
  const cRoot = build(root);
  const masks = new Uint8Array(orgIndex.size);
  const counts = new Int32Array(shared * 5);
  const search = new ExactSearch({ root: cRoot, masks, counts, shared, limits });

  return (signers: readonly PolicySigner[]): SearchResult => {
    const unique = uniqueSigners(signers);
    masks.fill(0);
    for (let i = 0; i < unique.length; i++) {
      const s = unique[i] as PolicySigner;
      const org = orgIndex.get(s.mspId);
      if (org !== undefined) masks[org] = (masks[org] as number) | roleBit(s.role);
    }
    // Counting each principal on its own is an upper bound: if that fails, the policy fails.
    if (!relaxed(cRoot, masks)) return 'unsatisfied';
    // When no org is named twice, no two principals can compete for one signer.
    if (shared === 0) return 'satisfied';
    counts.fill(0);
    for (let i = 0; i < unique.length; i++) {
      const s = unique[i] as PolicySigner;
      const org = orgIndex.get(s.mspId);
      if (org === undefined) continue;
      const sh = sharedIndex[org] as number;
      const slot = roleSlot(s.role);
      if (sh < 0 || slot < 0) continue;
      counts[sh * 5 + slot] = (counts[sh * 5 + slot] as number) + 1;
      counts[sh * 5 + 4] = (counts[sh * 5 + 4] as number) + 1;
    }
    return search.run();
  };
}

/** How many of `total` distinct orgs a meta rule needs; 0 orgs can never satisfy a rule. */
export function metaThreshold(rule: ImplicitMetaRule, total: number): number {
  if (total === 0) return 1;
  if (rule === 'ANY') return 1;
  if (rule === 'ALL') return total;
  return Math.floor(total / 2) + 1;
}

function compileMeta(rule: ImplicitMetaRule, subPolicy: ImplicitMetaSubPolicy): CompiledPolicy {
  const mask = META_ROLE_MASK[subPolicy];
  return (signers: readonly PolicySigner[], ctx: EvaluationContext): boolean => {
    const orgs = ctx.orgs;
    let total = 0;
    for (let i = 0; i < orgs.length; i++) if (orgs.indexOf(orgs[i] as string) === i) total++;
    if (total === 0) return false;
    const need = metaThreshold(rule, total);
    const unique = uniqueSigners(signers);
    let have = 0;
    let left = total;
    for (let i = 0; i < orgs.length; i++) {
      const org = orgs[i] as string;
      if (orgs.indexOf(org) !== i) continue;
      left--;
      let ok = false;
      for (let j = 0; j < unique.length; j++) {
        const s = unique[j] as PolicySigner;
        if (s.mspId === org && (roleBit(s.role) & mask) !== 0) {
          ok = true;
          break;
        }
      }
      if (ok) {
        if (++have >= need) return true;
      } else if (have + left < need) {
        return false;
      }
    }
    return false;
  };
}

/**
 * Compiles a policy into a function that evaluates it against verified signers. Signature
 * policies precompute an org index; evaluation then allocates almost nothing when no org is
 * named by two principals (the common case) and falls back to an exact search, where each
 * signer counts once, otherwise. Throws `POLICY_INVALID` for a malformed policy object.
 *
 * @example
 * const check = compilePolicy(parsePolicy(`OR('TelcoA.peer', 'TelcoB.peer')`));
 * check([{ id: 'p1', mspId: 'TelcoB', role: 'peer' }], { orgs: ['TelcoA', 'TelcoB'] }); // true
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  validatePolicy(policy);
  if (policy.kind === 'implicitMeta') return compileMeta(policy.rule, policy.subPolicy);
  const check = signatureChecker(policy.root);
  return (signers: readonly PolicySigner[], _ctx: EvaluationContext): boolean =>
    check(signers) === 'satisfied';
}
