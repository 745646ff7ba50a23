import {
  META_ROLE_MASK,
  metaHolds,
  metaThreshold,
  principalMask,
  signatureChecker,
} from './compilePolicy.js';
import { evaluatePolicy } from './evaluatePolicy.js';
import { MAX_POLICY_SEARCH_STEPS } from './exactSearch.js';
import { formatPolicy } from './formatPolicy.js';
import type {
  EvaluationContext,
  ImplicitMetaRule,
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

/** The orgs of `orgs` (distinct) that have a signer with the sub-policy's role, and how many are needed. */
function metaCount(
  rule: ImplicitMetaRule,
  subPolicy: ImplicitMetaSubPolicy,
  signers: readonly PolicySigner[],
  orgs: readonly string[],
): { have: string[]; need: number } {
  const mask = META_ROLE_MASK[subPolicy];
  const have = orgs.filter((org) => signers.some((s) => s.mspId === org && (roleBit(s.role) & mask) !== 0));
  return { have, need: metaThreshold(rule, orgs.length) };
}

/** What a meta term (whole policy or inside one) is missing, counting each org on its own. */
function explainMetaTerm(
  rule: ImplicitMetaRule,
  subPolicy: ImplicitMetaSubPolicy,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): string {
  const text = `${rule} ${subPolicy}`;
  const orgs = [...new Set(ctx.orgs)];
  if (orgs.length === 0) return `${text} cannot be satisfied: the channel has no member orgs`;
  const { have, need } = metaCount(rule, subPolicy, signers, orgs);
  const list = have.length > 0 ? `: ${have.join(', ')}` : '';
  return `${text} needs ${ROLE_WORD[subPolicy]} signature from ${need} of ${orgs.length} org(s) (have ${have.length}${list})`;
}

function explainSignature(
  root: PolicyNode,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): string {
  // A meta term's verdict depends only on its rule and sub-policy: judge each kind once.
  const metaVerdicts = new Map<string, boolean>();
  const met = (node: PolicyNode): boolean => {
    if (node.kind === 'meta') {
      const key = `${node.rule} ${node.subPolicy}`;
      let verdict = metaVerdicts.get(key);
      if (verdict === undefined) {
        verdict = metaHolds(node.rule, META_ROLE_MASK[node.subPolicy], signers, ctx.orgs);
        metaVerdicts.set(key, verdict);
      }
      return verdict;
    }
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
    if (node.kind === 'meta') return explainMetaTerm(node.rule, node.subPolicy, signers, ctx);
    const failing = node.rules.filter((r) => !met(r));
    const have = node.rules.length - failing.length;
    if (have >= node.n) {
      return `needs distinct signers for ${short(formatPolicy(node))}: each signer counts once among the principals (have ${signers.length} distinct signer(s))`;
    }
    const only = failing[0];
    if (node.n === node.rules.length && failing.length === 1 && only !== undefined) return explain(only);
    return `needs ${node.n} of ${short(node.rules.map((r) => formatPolicy(r)).join(', '))} (have ${have})`;
  };
  return explain(root);
}

/**
 * Evaluates a policy and, when it is not met, says briefly what is missing, for error messages.
 * A meta term is explained against `ctx.orgs`, counting the orgs that have a signer of its role
 * (a signer used for a principal counts too). When every part is met on its own but the policy
 * fails because principals need distinct signers (for example `AND('A.admin', 'A.admin')` with
 * one A admin), it says that distinct signers are needed.
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
  if (policy.kind === 'signature' && signatureChecker(policy.root)(unique, ctx) === 'tooComplex') {
    return {
      satisfied: false,
      missing: `the policy is too complex to check for these signers (more than ${MAX_POLICY_SEARCH_STEPS} search steps); simplify it`,
    };
  }
  const missing =
    policy.kind === 'signature'
      ? explainSignature(policy.root, unique, ctx)
      : explainMetaTerm(policy.rule, policy.subPolicy, unique, ctx);
  return { satisfied: false, missing };
}
