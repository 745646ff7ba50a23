import { compiledPolicyFor } from './evaluatePolicy.js';
import { policyOrgs } from './policyOrgs.js';
import type { EvaluationContext, Policy, PolicySigner, PrincipalSet, SignerRole } from './types.js';

/** An identity that could sign, such as an endorsing peer. */
export interface AvailableSigner {
  readonly mspId: string;
  readonly role: SignerRole;
}

/** Upper bound on candidate sets tried, so a huge org list cannot stall the caller. */
const MAX_TRIES = 1 << 16;

/**
 * Minimal sets of orgs whose available signers together satisfy `policy`, smallest first (then in
 * the order orgs first appear in `available`). Each entry of `available` is a distinct signer.
 * No returned set contains another. Stops after `limit` sets, or after trying 65,536 candidate
 * sets. Meta-policies and meta terms are judged against `ctx.orgs`, by default the orgs in
 * `available`, as `evaluatePolicy` judges them: for `AND('Regulator.admin', MAJORITY Admins)` over
 * [Regulator, A, B, C] the sets are Regulator and two of A, B, C, since Regulator's admin also counts
 * toward the majority.
 *
 * @example
 * minimalSignerSets(parsePolicy(`OutOf(2, 'A.peer', 'B.peer', 'C.peer')`),
 *   [{ mspId: 'A', role: 'peer' }, { mspId: 'B', role: 'peer' }, { mspId: 'C', role: 'peer' }]);
 * // => [['A', 'B'], ['A', 'C'], ['B', 'C']]
 */
export function minimalSignerSets(
  policy: Policy,
  available: readonly AvailableSigner[],
  limit = 16,
  ctx?: EvaluationContext,
): PrincipalSet[] {
  const evalCtx: EvaluationContext = ctx ?? { orgs: [...new Set(available.map((a) => a.mspId))] };
  const check = compiledPolicyFor(policy);
  const relevant = new Set(policyOrgs(policy, evalCtx));
  const byOrg = new Map<string, PolicySigner[]>();
  available.forEach((a, i) => {
    if (!relevant.has(a.mspId)) return;
    let list = byOrg.get(a.mspId);
    if (list === undefined) {
      list = [];
      byOrg.set(a.mspId, list);
    }
    list.push({ id: `available#${i}`, mspId: a.mspId, role: a.role });
  });
  const orgs = [...byOrg.keys()];
  const m = orgs.length;
  const found: number[][] = [];
  let tries = 0;
  const chosen = new Array<boolean>(m).fill(false);
  const combo: number[] = [];

  const isSuperset = (): boolean => found.some((set) => set.every((i) => chosen[i]));
  const test = (): boolean => {
    tries++;
    const signers = combo.flatMap((i) => byOrg.get(orgs[i] as string) ?? []);
    return check(signers, evalCtx);
  };
  // Enumerates k-subsets in lexicographic order; returns false to stop everything.
  const visit = (start: number, k: number): boolean => {
    if (k === 0) {
      if (!isSuperset() && test()) found.push([...combo]);
      return found.length < limit && tries < MAX_TRIES;
    }
    for (let i = start; i <= m - k; i++) {
      combo.push(i);
      chosen[i] = true;
      const go = visit(i + 1, k - 1);
      chosen[i] = false;
      combo.pop();
      if (!go) return false;
    }
    return true;
  };
  for (let size = 1; size <= m && found.length < limit; size++) {
    if (!visit(0, size)) break;
  }
  return found.map((set) => set.map((i) => orgs[i] as string));
}
