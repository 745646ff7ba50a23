import type { EvaluationContext, Policy, PolicyNode } from './types.js';

/**
 * The distinct MSP ids a signature policy names, in order of first appearance (used to choose
 * endorsers). A meta-policy names no org itself: it returns the distinct `ctx.orgs` when a
 * context is given, else `[]`.
 *
 * @example
 * policyOrgs(parsePolicy(`AND('Regulator.member', OR('TelcoA.peer', 'TelcoB.peer'))`));
 * // => ['Regulator', 'TelcoA', 'TelcoB']
 */
export function policyOrgs(policy: Policy, ctx?: EvaluationContext): string[] {
  if (policy.kind === 'implicitMeta') return ctx === undefined ? [] : [...new Set(ctx.orgs)];
  const seen = new Set<string>();
  const walk = (node: PolicyNode): void => {
    if (node.kind === 'principal') seen.add(node.principal.mspId);
    else for (const r of node.rules) walk(r);
  };
  walk(policy.root);
  return [...seen];
}
