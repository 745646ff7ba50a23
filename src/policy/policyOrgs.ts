import type { EvaluationContext, Policy, PolicyNode } from './types.js';

/**
 * The distinct MSP ids a policy may need signatures from, in order of first appearance (used to
 * choose endorsers). A principal names its org; a meta term, inside a signature policy or as the
 * whole policy, stands for the distinct `ctx.orgs` at its place in the policy, and for no org when
 * no context is given.
 *
 * @example
 * policyOrgs(parsePolicy(`AND('Regulator.member', OR('TelcoA.peer', 'TelcoB.peer'))`));
 * // => ['Regulator', 'TelcoA', 'TelcoB']
 * policyOrgs(parsePolicy(`AND('Regulator.admin', MAJORITY Admins)`), { orgs: ['A', 'Regulator', 'B'] });
 * // => ['Regulator', 'A', 'B']
 */
export function policyOrgs(policy: Policy, ctx?: EvaluationContext): string[] {
  if (policy.kind === 'implicitMeta') return ctx === undefined ? [] : [...new Set(ctx.orgs)];
  const seen = new Set<string>();
  const walk = (node: PolicyNode): void => {
    if (node.kind === 'principal') seen.add(node.principal.mspId);
    else if (node.kind === 'meta') for (const org of ctx?.orgs ?? []) seen.add(org);
    else for (const r of node.rules) walk(r);
  };
  walk(policy.root);
  return [...seen];
}
