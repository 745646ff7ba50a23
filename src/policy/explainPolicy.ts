import { META_ROLE_MASK, metaThreshold, principalMask, signatureChecker } from './compilePolicy.js';
import { evaluatePolicy } from './evaluatePolicy.js';
import { MAX_POLICY_SEARCH_STEPS } from './exactSearch.js';
import { formatPolicy } from './formatPolicy.js';
import type {
  EvaluationContext,
  ImplicitMetaSubPolicy,
  Policy,
  PolicyExplanation,
  PolicyNode,
  PolicySigner,
} from './types.js';
import { roleBit, uniqueSigners } from './uniqueSigners.js';

const ROLE_WORD: Readonly<Record<ImplicitMetaSubPolicy, string>> = {
  Admins: 'an admin',
  Endorsement: 'a peer',
  Peers: 'a peer',
  Clients: 'a client',
  Orderers: 'an orderer',
  Readers: 'a member',
  Writers: 'a member',
  Members: 'a member',
};

/** Keeps messages short: long policy text is cut. */
function short(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function explainSignature(root: PolicyNode, signers: readonly PolicySigner[]): string {
  const met = (node: PolicyNode): boolean => {
    if (node.kind === 'principal') {
      const { mspId, role } = node.principal;
      const mask = principalMask(role);
      return signers.some((s) => s.mspId === mspId && (roleBit(s.role) & mask) !== 0);
    }
    let have = 0;
    for (const r of node.rules) if (met(r)) have++;
    return have >= node.n;
  };
  const explain = (node: PolicyNode): string => {
    if (node.kind === 'principal') return `needs ${formatPolicy(node)}`;
    const failing = node.rules.filter((r) => !met(r));
    const have = node.rules.length - failing.length;
    if (have >= node.n) {
      return `needs distinct signers for ${short(formatPolicy(node))}: each signer counts once (have ${signers.length} distinct signer(s))`;
    }
    const only = failing[0];
    if (node.n === node.rules.length && failing.length === 1 && only !== undefined) return explain(only);
    return `needs ${node.n} of ${short(node.rules.map((r) => formatPolicy(r)).join(', '))} (have ${have})`;
  };
  return explain(root);
}

function explainMeta(
  policy: Extract<Policy, { kind: 'implicitMeta' }>,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): string {
  const orgs = [...new Set(ctx.orgs)];
  if (orgs.length === 0) return `${policy.text} cannot be satisfied: the channel has no member orgs`;
  const mask = META_ROLE_MASK[policy.subPolicy];
  const have = orgs.filter((org) => signers.some((s) => s.mspId === org && (roleBit(s.role) & mask) !== 0));
  const need = metaThreshold(policy.rule, orgs.length);
  const list = have.length > 0 ? `: ${have.join(', ')}` : '';
  return `${policy.text} needs ${ROLE_WORD[policy.subPolicy]} signature from ${need} of ${orgs.length} org(s) (have ${have.length}${list})`;
}

/**
 * Evaluates a policy and, when it is not met, says briefly what is missing, for error messages.
 *
 * @example
 * explainPolicy(parsePolicy(`OutOf(2, 'TelcoA.member', 'TelcoB.member', 'TelcoC.member')`),
 *   [{ id: 'a', mspId: 'TelcoA', role: 'peer' }], { orgs: [] });
 * // => { satisfied: false, missing: "needs 2 of 'TelcoA.member', 'TelcoB.member', 'TelcoC.member' (have 1)" }
 */
export function explainPolicy(
  policy: Policy,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): PolicyExplanation {
  if (evaluatePolicy(policy, signers, ctx)) return { satisfied: true, missing: '' };
  const unique = uniqueSigners(signers);
  if (policy.kind === 'signature' && signatureChecker(policy.root)(unique) === 'tooComplex') {
    return {
      satisfied: false,
      missing: `the policy is too complex to check for these signers (more than ${MAX_POLICY_SEARCH_STEPS} search steps); simplify it`,
    };
  }
  const missing =
    policy.kind === 'signature' ? explainSignature(policy.root, unique) : explainMeta(policy, unique, ctx);
  return { satisfied: false, missing };
}
