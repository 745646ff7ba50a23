import { ConsortiaError } from '../common/index.js';
import { MAX_POLICY_DEPTH, MAX_POLICY_PRINCIPALS, POLICY_ERRORS } from './errors.js';
import { META_SUB_POLICIES, type Policy, type PolicyNode, PRINCIPAL_ROLES } from './types.js';

const ROLES = new Set<string>(PRINCIPAL_ROLES);
const SUBS = new Set<string>(META_SUB_POLICIES);
const RULES = new Set<string>(['ANY', 'MAJORITY', 'ALL']);

function invalid(reason: string): ConsortiaError {
  return new ConsortiaError(
    POLICY_ERRORS.POLICY_INVALID,
    `invalid policy: ${reason}; build policies with parsePolicy or fix the policy object`,
    { reason },
  );
}

function checkMeta(rule: unknown, subPolicy: unknown): void {
  if (typeof rule !== 'string' || !RULES.has(rule))
    throw invalid(`unknown meta-policy rule '${String(rule)}'`);
  if (typeof subPolicy !== 'string' || !SUBS.has(subPolicy)) {
    throw invalid(`unknown sub-policy '${String(subPolicy)}'`);
  }
}

/**
 * Checks a policy object built in code (a parsed policy is always valid): `OutOf` counts are
 * integers between 1 and the number of rules, roles and meta names are known, a meta term is not
 * the root of a signature policy (use `kind: 'implicitMeta'` for that, as `parsePolicy` does), and
 * the size limits hold (each meta term counts as one principal). Throws `POLICY_INVALID` or
 * `POLICY_TOO_COMPLEX`.
 *
 * @example
 * validatePolicy({ kind: 'signature', text: '', root: { kind: 'outOf', n: 3, rules: [] } }); // throws POLICY_INVALID
 */
export function validatePolicy(policy: Policy): void {
  if (policy === null || typeof policy !== 'object') throw invalid('the policy is not an object');
  if (policy.kind === 'implicitMeta') {
    checkMeta(policy.rule, policy.subPolicy);
    return;
  }
  if (policy.kind !== 'signature') throw invalid(`unknown policy kind '${String((policy as Policy).kind)}'`);
  let terms = 0;
  const countTerm = (): void => {
    if (++terms > MAX_POLICY_PRINCIPALS) {
      throw new ConsortiaError(
        POLICY_ERRORS.POLICY_TOO_COMPLEX,
        `policy too complex: at most ${MAX_POLICY_PRINCIPALS} principals and meta terms are allowed; split the policy`,
        { position: 0, limit: MAX_POLICY_PRINCIPALS },
      );
    }
  };
  const walk = (node: PolicyNode, depth: number): void => {
    if (node === null || typeof node !== 'object') throw invalid('a policy node is not an object');
    if (node.kind === 'principal') {
      const p = node.principal;
      if (p === null || typeof p !== 'object' || typeof p.mspId !== 'string' || p.mspId === '') {
        throw invalid('a principal has no MSP id');
      }
      if (!ROLES.has(p.role)) throw invalid(`principal '${p.mspId}' has unknown role '${String(p.role)}'`);
      countTerm();
      return;
    }
    if (node.kind === 'meta') {
      if (depth === 0) {
        throw invalid(
          `the root of a signature policy is the meta term '${String(node.rule)} ${String(node.subPolicy)}'; use kind 'implicitMeta' for a policy that is only a meta term`,
        );
      }
      checkMeta(node.rule, node.subPolicy);
      countTerm();
      return;
    }
    if (node.kind !== 'outOf' || !Array.isArray(node.rules))
      throw invalid('a policy node has an unknown kind');
    if (depth >= MAX_POLICY_DEPTH) {
      throw new ConsortiaError(
        POLICY_ERRORS.POLICY_TOO_COMPLEX,
        `policy too complex: AND/OR/OutOf may nest at most ${MAX_POLICY_DEPTH} deep; flatten the policy`,
        { position: 0, limit: MAX_POLICY_DEPTH },
      );
    }
    if (!Number.isInteger(node.n) || node.n < 1 || node.n > node.rules.length) {
      throw invalid(
        `OutOf(${String(node.n)}, ...) has ${node.rules.length} rule(s); n must be between 1 and that`,
      );
    }
    for (const r of node.rules) walk(r, depth + 1);
  };
  walk(policy.root, 0);
}
