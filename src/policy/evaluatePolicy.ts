import { compilePolicy } from './compilePolicy.js';
import type { CompiledPolicy, EvaluationContext, Policy, PolicySigner } from './types.js';

const compiled = new WeakMap<Policy, CompiledPolicy>();

/** The compiled form of a policy, compiled once per policy object. */
export function compiledPolicyFor(policy: Policy): CompiledPolicy {
  let fn = compiled.get(policy);
  if (fn === undefined) {
    fn = compilePolicy(policy);
    compiled.set(policy, fn);
  }
  return fn;
}

/**
 * True when the verified `signers` satisfy `policy`. In a signature policy `X.member` is met by
 * any signer of org X, `X.admin` only by an admin of X, and so on. A meta-policy counts the orgs
 * of `ctx.orgs` that have a signer with the sub-policy's role: ANY needs one, ALL every one,
 * MAJORITY more than half; with no orgs it is never met. A meta term inside a signature policy
 * (`AND('Regulator.admin', MAJORITY Admins)`) is a condition judged the same way, over all the
 * signers and `ctx.orgs`, independently of the rest of the policy (as Fabric evaluates
 * sub-policies): a signer that meets a principal also counts toward a meta term.
 *
 * Among the principals each signer (by `id`) counts once, and repeated signers count once: a
 * signer meets at most one principal, so `AND('A.admin', 'A.admin')` needs two A admins. With
 * orgs [Regulator, A, B, C], `AND('Regulator.admin', MAJORITY Admins)` fails for admins
 * {Regulator, A} (the majority needs 3 orgs) and for {A, B, C} (no regulator), and holds for
 * {Regulator, A, B}. The compiled form is cached per policy object, so keep the parsed policy
 * around.
 *
 * @example
 * const p = parsePolicy(`AND('A.member', 'A.member')`);
 * evaluatePolicy(p, [{ id: 'a1', mspId: 'A', role: 'peer' }], { orgs: ['A'] }); // false: a1 counts once
 * const h = parsePolicy(`AND('Regulator.admin', MAJORITY Admins)`);
 * const admin = (id: string, mspId: string) => ({ id, mspId, role: 'admin' as const });
 * evaluatePolicy(h, [admin('r1', 'Regulator'), admin('a1', 'A'), admin('b1', 'B')],
 *   { orgs: ['Regulator', 'A', 'B', 'C'] }); // true: r1 meets the principal and counts toward the majority
 */
export function evaluatePolicy(
  policy: Policy,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): boolean {
  return compiledPolicyFor(policy)(signers, ctx);
}
