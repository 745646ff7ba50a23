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

/** The principal role each meta sub-policy asks of an org: `MAJORITY Admins` asks for `'Org.admin'`. */
export const META_ROLE: Readonly<Record<ImplicitMetaSubPolicy, PrincipalRole>> = {
  Admins: 'admin',
  Endorsement: 'peer',
  Peers: 'peer',
  Clients: 'client',
  Orderers: 'orderer',
  Readers: 'member',
  Writers: 'member',
  Members: 'member',
};

/** Signer role bits a principal role accepts. */
export function principalMask(role: PrincipalRole): number {
  return role === 'member' ? MEMBER_MASK : roleBit(role);
}

/** Signer role bits each meta sub-policy asks of an org. */
export const META_ROLE_MASK: Readonly<Record<ImplicitMetaSubPolicy, number>> = {
  Admins: principalMask(META_ROLE.Admins),
  Endorsement: principalMask(META_ROLE.Endorsement),
  Peers: principalMask(META_ROLE.Peers),
  Clients: principalMask(META_ROLE.Clients),
  Orderers: principalMask(META_ROLE.Orderers),
  Readers: principalMask(META_ROLE.Readers),
  Writers: principalMask(META_ROLE.Writers),
  Members: principalMask(META_ROLE.Members),
};

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

/** A checker over signers, with the channel's orgs when the policy has meta terms. */
export type SignatureChecker = (signers: readonly PolicySigner[], ctx?: EvaluationContext) => SearchResult;

/** How many of `total` distinct orgs a meta rule needs; 0 orgs can never satisfy a rule. */
export function metaThreshold(rule: ImplicitMetaRule, total: number): number {
  if (total === 0) return 1;
  if (rule === 'ANY') return 1;
  if (rule === 'ALL') return total;
  return Math.floor(total / 2) + 1;
}

/** Org lists up to this length are checked for repeats without allocating a set. */
const SMALL_ORG_LIST = 32;

/**
 * True when `rule` holds over the distinct `orgs`: enough of them have a signer whose role bit is
 * in `mask` (the sub-policy's role). Only whether an org has such a signer matters, so a signer
 * may also serve anything else in a policy. Never true with no orgs. This one function judges both
 * an implicit meta-policy and a meta term inside a signature policy.
 */
export function metaHolds(
  rule: ImplicitMetaRule,
  mask: number,
  signers: readonly PolicySigner[],
  orgs: readonly string[],
): boolean {
  // Channels have few orgs: a linear look-back finds repeats without allocating; long lists use a set.
  const long = orgs.length > SMALL_ORG_LIST;
  const list = long ? [...new Set(orgs)] : orgs;
  let total = 0;
  for (let i = 0; i < list.length; i++) if (long || list.indexOf(list[i] as string) === i) total++;
  if (total === 0) return false;
  const need = metaThreshold(rule, total);
  let have = 0;
  let left = total;
  for (let i = 0; i < list.length; i++) {
    const org = list[i] as string;
    if (!long && list.indexOf(org) !== i) continue;
    left--;
    let ok = false;
    for (let j = 0; j < signers.length; j++) {
      const s = signers[j] as PolicySigner;
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
}

/** A distinct meta condition of a signature policy: a rule and the role bits its sub-policy asks. */
interface MetaCondition {
  readonly rule: ImplicitMetaRule;
  readonly mask: number;
}

const DEFAULT_LIMITS: SearchLimits = {
  witnessSteps: WITNESS_SEARCH_STEPS,
  searchSteps: MAX_POLICY_SEARCH_STEPS,
};

/**
 * Compiles a signature policy into a checker with three outcomes; `tooComplex` (the exact search
 * gave up after `MAX_POLICY_SEARCH_STEPS`) is deterministic and counts as not satisfied.
 *
 * Principals are matched to signers by the exact search, each signer meeting at most one
 * principal. A meta term is a condition on the channel's orgs, judged first by `metaHolds` over
 * all the signers and the distinct `ctx.orgs` (none when `ctx` is missing), as a whole-text
 * meta-policy is; it takes no signer away from the principals. In the compiled tree each distinct
 * condition (rule and role) is a leaf of its own pseudo-org, which the search sees as a principal
 * nobody competes for, met exactly when the condition holds; so the policy is compiled once, and
 * a policy without meta terms takes the same path as before (no condition to judge).
 */
export function signatureChecker(root: PolicyNode, limits: SearchLimits = DEFAULT_LIMITS): SignatureChecker {
  const orgIndex = new Map<string, number>();
  const leaves: number[] = [];
  const conditionIndex = new Map<string, number>();
  const conditions: MetaCondition[] = [];
  const countLeaves = (node: PolicyNode): void => {
    if (node.kind === 'outOf') {
      for (const r of node.rules) countLeaves(r);
      return;
    }
    if (node.kind === 'meta') {
      const mask = META_ROLE_MASK[node.subPolicy];
      const key = `${node.rule} ${mask}`;
      if (!conditionIndex.has(key)) {
        conditionIndex.set(key, conditions.length);
        conditions.push({ rule: node.rule, mask });
      }
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
  // Conditions sit after the real orgs in `masks`, one pseudo-org each (bit 1 when it holds).
  const conditionBase = orgIndex.size;
  let shared = 0;
  const sharedIndex = leaves.map((count) => (count > 1 ? shared++ : -1));
  const build = (node: PolicyNode): CNode => {
    if (node.kind === 'outOf') return { n: node.n, kids: node.rules.map(build), org: -1, mask: 0, slot: -1 };
    if (node.kind === 'meta') {
      const c = conditionIndex.get(`${node.rule} ${META_ROLE_MASK[node.subPolicy]}`) as number;
      return { n: -1, kids: [], org: conditionBase + c, mask: 1, slot: -1 };
    }
    const org = orgIndex.get(node.principal.mspId) as number;
    const s = sharedIndex[org] as number;
    const slot = s < 0 ? -1 : s * 5 + demandSlot(node.principal.role);
    return { n: -1, kids: [], org, mask: principalMask(node.principal.role), slot };
  };
  const cRoot = build(root);
  const masks = new Uint8Array(conditionBase + conditions.length);
  const counts = new Int32Array(shared * 5);
  const search = new ExactSearch({ root: cRoot, masks, counts, shared, limits });

  return (signers: readonly PolicySigner[], ctx?: EvaluationContext): SearchResult => {
    const unique = uniqueSigners(signers);
    masks.fill(0);
    for (let i = 0; i < unique.length; i++) {
      const s = unique[i] as PolicySigner;
      const org = orgIndex.get(s.mspId);
      if (org !== undefined) masks[org] = (masks[org] as number) | roleBit(s.role);
    }
    if (conditions.length > 0) {
      const orgs = ctx?.orgs ?? [];
      for (let i = 0; i < conditions.length; i++) {
        const c = conditions[i] as MetaCondition;
        if (metaHolds(c.rule, c.mask, unique, orgs)) masks[conditionBase + i] = 1;
      }
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

function compileMeta(rule: ImplicitMetaRule, subPolicy: ImplicitMetaSubPolicy): CompiledPolicy {
  const mask = META_ROLE_MASK[subPolicy];
  return (signers: readonly PolicySigner[], ctx: EvaluationContext): boolean =>
    metaHolds(rule, mask, signers, ctx.orgs);
}

/**
 * Compiles a policy into a function that evaluates it against verified signers. Signature
 * policies precompute an org index; evaluation then allocates almost nothing when no org is
 * named by two principals (the common case) and falls back to an exact search, where each
 * signer meets at most one principal, otherwise. A meta term inside a signature policy (such as
 * `AND('Regulator.admin', MAJORITY Admins)`) is a condition on `ctx.orgs`, judged over all the
 * signers exactly as the whole-text meta-policy would be (Fabric evaluates sub-policies
 * independently): the signer that meets `'Regulator.admin'` also counts toward the majority.
 * Throws `POLICY_INVALID` for a malformed policy object.
 *
 * @example
 * const check = compilePolicy(parsePolicy(`OR('TelcoA.peer', 'TelcoB.peer')`));
 * check([{ id: 'p1', mspId: 'TelcoB', role: 'peer' }], { orgs: ['TelcoA', 'TelcoB'] }); // true
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  validatePolicy(policy);
  if (policy.kind === 'implicitMeta') return compileMeta(policy.rule, policy.subPolicy);
  const check = signatureChecker(policy.root);
  return (signers: readonly PolicySigner[], ctx: EvaluationContext): boolean =>
    check(signers, ctx) === 'satisfied';
}
