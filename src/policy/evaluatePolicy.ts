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
 * any signer of org X, `X.admin` only by an admin of X, and so on; each signer (by `id`) meets at
 * most one principal, and repeated signers count once. A meta-policy counts the orgs of
 * `ctx.orgs` that have a signer with the sub-policy's role: ANY needs one, ALL every one,
 * MAJORITY more than half; with no orgs it is never met. The compiled form is cached per policy
 * object, so keep the parsed policy around.
 *
 * @example
 * const p = parsePolicy(`AND('A.member', 'A.member')`);
 * evaluatePolicy(p, [{ id: 'a1', mspId: 'A', role: 'peer' }], { orgs: ['A'] }); // false: a1 counts once
 */
export function evaluatePolicy(
  policy: Policy,
  signers: readonly PolicySigner[],
  ctx: EvaluationContext,
): boolean {
  return compiledPolicyFor(policy)(signers, ctx);
}
