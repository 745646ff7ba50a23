export { compilePolicy } from './compilePolicy.js';
export { MAX_POLICY_DEPTH, MAX_POLICY_PRINCIPALS, POLICY_ERRORS, type PolicyErrorCode } from './errors.js';
export { evaluatePolicy } from './evaluatePolicy.js';
export { MAX_POLICY_SEARCH_STEPS } from './exactSearch.js';
export { explainPolicy } from './explainPolicy.js';
export { formatPolicy } from './formatPolicy.js';
export { type AvailableSigner, minimalSignerSets } from './minimalSignerSets.js';
export { MSP_ID_PATTERN, parsePolicy } from './parsePolicy.js';
export { policyOrgs } from './policyOrgs.js';
export {
  type CompiledPolicy,
  type EvaluationContext,
  type ImplicitMetaRule,
  type ImplicitMetaSubPolicy,
  META_SUB_POLICIES,
  type Policy,
  type PolicyExplanation,
  type PolicyNode,
  type PolicySigner,
  PRINCIPAL_ROLES,
  type Principal,
  type PrincipalRole,
  type PrincipalSet,
  type SignerRole,
} from './types.js';
export { validatePolicy } from './validatePolicy.js';
